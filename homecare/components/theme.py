"""The national design system's styles in the build: Sass, the global stylesheet, Vite, PostCSS."""

from __future__ import annotations

import json
import re
from typing import Any

from reflex.compiler.utils import resolve_path_of_web_dir
from reflex.plugins import Plugin

from homecare.components.dark_mode import LIGHT_COLOURS

DESIGN_SYSTEM_PACKAGE = "@helsenorge/designsystem-react"
DESIGN_SYSTEM_VERSION = "15.5.1"
# The design system's global styles, as its own helsenorge.scss has them but without the Bootstrap grid and
# spacing classes and without its fonts: the portal's layout is its own and no component uses those classes,
# and assets/homecare.css has the fonts as woff2. The grid alone was half of every page's global stylesheet
# (6.4 of 12.4 kB gzip; bench/page_weight). Written into .web/styles beside Reflex's global stylesheet,
# which imports it by this relative name.
GLOBAL_STYLESHEET = "./homecare_design_system.scss"
_GLOBAL_STYLESHEET_SCSS = f"""// Written by homecare/components/theme.py on every compile.
@use '{DESIGN_SYSTEM_PACKAGE}/scss/reset';
@use '{DESIGN_SYSTEM_PACKAGE}/scss/body';
@use '{DESIGN_SYSTEM_PACKAGE}/scss/print';
@import '{DESIGN_SYSTEM_PACKAGE}/scss/supernova/styles/colors.css';
@import '{DESIGN_SYSTEM_PACKAGE}/scss/supernova/styles/spacers.css';
"""
SASS_PACKAGE = "sass@1.108.2"

# Deprecations that the package's Sass (and its vendored Bootstrap grid) triggers with this Sass.
SASS_SILENCED_DEPRECATIONS = ["import", "if-function", "global-builtin", "color-functions"]

_START = "/* homecare design system: start */"
_END = "/* homecare design system: end */"
# Pre-rendering imports the package on the server: Vite must run its .scss modules through Sass
# instead of handing them to Node, which fails with 'Unknown file extension ".scss"'.
_VITE_SETTINGS = f"""  {_START}
  ssr: {{
    noExternal: ["{DESIGN_SYSTEM_PACKAGE}"],
  }},
  css: {{
    preprocessorOptions: {{
      scss: {{
        quietDeps: true,
        silenceDeprecations: {SASS_SILENCED_DEPRECATIONS!r},
      }},
    }},
  }},
  {_END}
"""
_BLOCK = re.compile(re.escape("  " + _START) + r".*?" + re.escape(_END) + r"\n", re.S)
_ANCHOR = re.compile(r"export default defineConfig\(\(config\) => \(\{\n")


# Dark mode (see dark_mode.py): a PostCSS plugin that turns each colour with a dark counterpart into
# `var(--hc-<hex>, <colour>)`, in every stylesheet the build compiles: the design system's Sass modules,
# its global stylesheet and ours. It sits in Reflex's postcss.config.js beside Reflex's own plugins
# (postcss-import, autoprefixer): PostCSS settings inline in vite.config.js would make Vite ignore that
# file, and so leave them out.
COLOUR_VARIABLES_PLUGIN = "homecare-colour-variables.js"
POSTCSS_CONFIG = "postcss.config.js"
_COLOUR_VARIABLES_JS = r"""// Written by homecare/components/theme.py on every compile.
const COLOURS = new Set(/* colours */);
const NAMED = { black: "000000", white: "ffffff" };
// Addresses (a data URI's SVG cannot take a variable), local font names ("Source Sans Pro Black") and
// strings are matched first, to be kept as they are. Hex colours with transparency (4 or 8 digits) are not
// in the list either: hover tints and shadows take their look from what is under them.
const COLOUR =
  /url\([^)]*\)|local\([^)]*\)|"[^"]*"|'[^']*'|(?<![\w#-])(#[0-9a-f]{6}|#[0-9a-f]{3}|black|white)(?![\w-])/gi;

function sixDigits(colour) {
  const lower = colour.toLowerCase();
  if (lower in NAMED) return NAMED[lower];
  const digits = lower.slice(1);
  return digits.length === 3 ? digits.replace(/./g, "$&$&") : digits;
}

export function withColourVariables(value) {
  return value.replace(COLOUR, (match, colour) => {
    if (!colour) return match;
    const hex = sixDigits(colour);
    return COLOURS.has(hex) ? `var(--hc-${hex}, ${colour})` : match;
  });
}

export default {
  postcssPlugin: "homecare-colour-variables",
  // Once, after the other plugins (postcss-import has put the imported files in): a declaration listener
  // would see its own output again, since PostCSS visits a changed declaration once more.
  OnceExit(root) {
    root.walkDecls((declaration) => {
      // The variables themselves, which assets/homecare.css sets in dark mode.
      if (/^--hc-[0-9a-f]{6}$/.test(declaration.prop)) return;
      const value = withColourVariables(declaration.value);
      if (value !== declaration.value) declaration.value = value;
    });
  },
};
"""
_POSTCSS_PLUGINS = re.compile(r"^([ \t]*)plugins: \{\n", re.M)


def global_stylesheet() -> tuple[str, str]:
    """The design system's global styles we use, as a save task's (path in .web, content)."""
    return f"styles/{GLOBAL_STYLESHEET.removeprefix('./')}", _GLOBAL_STYLESHEET_SCSS


def colour_variables_plugin() -> tuple[str, str]:
    """The PostCSS plugin module, as a save task's (path in .web, content)."""
    colours = json.dumps(sorted(colour[1:] for colour in LIGHT_COLOURS))
    return COLOUR_VARIABLES_PLUGIN, _COLOUR_VARIABLES_JS.replace("/* colours */", colours)


def patch_postcss_config(content: str) -> str:
    """Add the colour plugin to Reflex's postcss.config.js (an object of plugin names), once."""
    entry = f'"./{COLOUR_VARIABLES_PLUGIN}": {{}},'
    if entry in content:
        return content
    plugins = _POSTCSS_PLUGINS.search(content)
    if plugins is None:
        raise RuntimeError("design system plugin: no 'plugins: {' found in postcss.config.js")
    indent = plugins.group(1) + "  "
    return content[: plugins.end()] + f"{indent}{entry}\n" + content[plugins.end() :]


def patch_vite_config(content: str) -> str:
    """Put the design system's settings into Reflex's generated vite.config.js.

    Reflex writes the file only when it sets up .web, but this runs on every compile: replace an
    earlier block rather than skip it, so a changed setting takes effect.
    """
    if _BLOCK.search(content):
        return _BLOCK.sub(lambda _match: _VITE_SETTINGS, content, count=1)
    anchor = _ANCHOR.search(content)
    if anchor is None:
        raise RuntimeError("design system plugin: no defineConfig(...) found in vite.config.js")
    return content[: anchor.end()] + _VITE_SETTINGS + content[anchor.end() :]


class DesignSystemPlugin(Plugin):
    """Adds Sass, the global stylesheet, the Vite settings the design system needs and dark mode's colours."""

    def get_frontend_development_dependencies(self, **context: Any) -> list[str]:
        # Only the build tool: the runtime package is pinned by each wrapper's lib_dependencies.
        # Returning it from get_frontend_dependencies() would put all of it into the root chunk.
        return [SASS_PACKAGE]

    def get_stylesheet_paths(self, **context: Any) -> list[str]:
        return [GLOBAL_STYLESHEET]

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"]("vite.config.js", patch_vite_config)
        context["add_save_task"](global_stylesheet)
        context["add_save_task"](colour_variables_plugin)
        # Reflex writes postcss.config.js when it sets up .web for a build; an app compiled without a build
        # (the integration tests start the ASGI app) has none, and nothing of it would be used anyway.
        if resolve_path_of_web_dir(POSTCSS_CONFIG).exists():
            context["add_modify_task"](POSTCSS_CONFIG, patch_postcss_config)
