"""Every page is built from the design system's components, and their names reach the browser."""

from __future__ import annotations

import re
from collections import Counter

from homecare.components import design_system as ds

# Controls that must come from the design system (components/design_system.py), never as raw HTML with
# styling of our own.
RAW_CONTROLS = {"button", "select", "textarea", "table", "dialog", "fieldset", "label"}
# The inputs a page may have of its own: a form's hidden version and the file picker behind the design
# system's "attach a file" button. The options are the children of the design system's Select.
ALLOWED_INPUT_TYPES = {"hidden", "file"}
# The profile menu is the browser's own disclosure (details/summary): the design system's Dropdown is a list
# to choose one item from, and the native element is what screen readers know as "expanded"/"collapsed".
ALLOWED_DISCLOSURES = 1


def raw_elements(code: str) -> Counter[str]:
    return Counter(re.findall(r'jsx\("([a-z]+)"', code))


def test_every_page_takes_its_controls_from_the_design_system() -> None:
    from homecare.homecare import PAGES  # the whole portal: imported by this test only

    for page, route, _ in PAGES:
        code = str(page())
        elements = raw_elements(code)
        assert {tag: elements[tag] for tag in RAW_CONTROLS if elements[tag]} == {}, route
        input_types = re.findall(r'jsx\("input",\{[^}]*?type:"([a-z]+)"', code)
        assert len(input_types) == elements["input"], route
        assert set(input_types) <= ALLOWED_INPUT_TYPES, route
        assert elements["details"] == elements["summary"] <= ALLOWED_DISCLOSURES, route
        assert "HnButton" in code or "HnTitle" in code, route


def test_a_buttons_fuller_name_is_put_on_the_button_itself() -> None:
    """The design system reads its own ariaLabel only for a button without text."""
    code = str(ds.button("Avslutt", aria_label="Avslutt fullmakten for Nora Lind"))
    assert '"aria-label":"Avslutt fullmakten for Nora Lind"' in code
    assert "ariaLabel" not in code


def test_each_page_keeps_its_own_components_file() -> None:
    """Reflex puts a page's memoized parts into one file per module the page function comes from, loaded by
    every page of that module: pages that all came from the app's module loaded each other's (+45 kB)."""
    from homecare.homecare import app

    modules = {route: page._source_module for route, page in app._unevaluated_pages.items()}
    assert all(str(module).startswith("homecare.pages.") for module in modules.values()), modules
    assert len(set(modules.values())) >= len(modules) - 2  # the message pages share theirs
