"""The national design system's styles in the build: Sass, the global stylesheet, Vite settings."""

from __future__ import annotations

import re
from typing import Any

from reflex.plugins import Plugin

DESIGN_SYSTEM_PACKAGE = "@helsenorge/designsystem-react"
DESIGN_SYSTEM_VERSION = "15.5.1"
# Normalize, the fonts shipped in the package, the palette variables and the grid.
GLOBAL_STYLESHEET = f"{DESIGN_SYSTEM_PACKAGE}/scss/helsenorge.scss"
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
    """Adds Sass, the global stylesheet and the Vite settings the design system needs."""

    def get_frontend_development_dependencies(self, **context: Any) -> list[str]:
        # Only the build tool: the runtime package is pinned by each wrapper's lib_dependencies.
        # Returning it from get_frontend_dependencies() would put all of it into the root chunk.
        return [SASS_PACKAGE]

    def get_stylesheet_paths(self, **context: Any) -> list[str]:
        return [GLOBAL_STYLESHEET]

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"]("vite.config.js", patch_vite_config)
