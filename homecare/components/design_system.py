"""The national design system (@helsenorge/designsystem-react) wrapped for Reflex.

Each component is the default export of its own entry point; prop names follow the package's
`lib/components/<Name>/<Name>.d.ts`, and Reflex turns snake_case into camelCase (error_text -> errorText).
Every prop a page passes is declared here, since undeclared ones would not reach the component.
"""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex.components.component import MemoizationLeaf, NoSSRComponent
from reflex.event import EventHandler, input_event, no_args_event_spec
from reflex.vars.base import Var

from homecare.components.theme import DESIGN_SYSTEM_PACKAGE, DESIGN_SYSTEM_VERSION

# The package's peer dependencies are pinned along with it.
DEPENDENCIES = [f"{DESIGN_SYSTEM_PACKAGE}@{DESIGN_SYSTEM_VERSION}", "classnames@2.5.1", "normalize.css@8.0.1"]


def _entry(name: str) -> str:
    # A version inside `library` would end up in the import path; it is pinned in DEPENDENCIES.
    return f"{DESIGN_SYSTEM_PACKAGE}/components/{name}"


class _DesignSystemComponent(rx.Component):
    lib_dependencies: list[str] = DEPENDENCIES
    is_default = True

    test_id: Var[str]


class Title(_DesignSystemComponent):
    """A heading with the portal's typography."""

    library = _entry("Title")
    tag = "HnTitle"

    html_markup: Var[Literal["h1", "h2", "h3", "h4", "h5", "h6", "span"]]
    appearance: Var[Literal["titleFeature", "title1", "title2", "title3", "title4", "title5", "title6"]]
    margin: Var[int | dict[str, int]]
    id: Var[str]


class Button(_DesignSystemComponent):
    """A button; `variant="borderless"` for a quiet one."""

    library = _entry("Button")
    tag = "HnButton"

    concept: Var[Literal["normal", "destructive"]]
    variant: Var[Literal["fill", "outline", "borderless"]]
    size: Var[Literal["medium", "large"]]
    type: Var[Literal["button", "submit", "reset"]]
    fluid: Var[bool]
    disabled: Var[bool]

    on_click: EventHandler[no_args_event_spec]


class Input(_DesignSystemComponent):
    """A text field with its label, help and error text."""

    library = _entry("Input")
    tag = "HnInput"

    label: Var[str | rx.Component]
    input_id: Var[str]
    name: Var[str]
    type: Var[Literal["email", "number", "password", "tel", "text", "url", "search", "date", "time"]]
    value: Var[str]
    default_value: Var[str]
    placeholder: Var[str]
    auto_complete: Var[str]
    input_mode: Var[str]
    width: Var[int]
    max_length: Var[int]
    error: Var[bool]
    error_text: Var[str]

    on_change: EventHandler[input_event]


class Textarea(_DesignSystemComponent):
    """A text area with its label and a counter of characters left (counted in the browser)."""

    library = _entry("Textarea")
    tag = "HnTextarea"

    label: Var[str | rx.Component]
    textarea_id: Var[str]
    name: Var[str]
    default_value: Var[str]
    max_characters: Var[int]
    min_rows: Var[int]
    grow: Var[bool]
    error: Var[bool]
    error_text: Var[str]


class Checkbox(_DesignSystemComponent):
    """A checkbox with its label; `checked` is where it starts (the box then keeps its own state).

    Give it `value="on"`: without a value it would send its label text in a form.
    """

    library = _entry("Checkbox")
    tag = "HnCheckbox"

    label: Var[str | rx.Component]
    input_id: Var[str]
    name: Var[str]
    value: Var[str]
    checked: Var[bool]
    error: Var[bool]


class RadioButton(_DesignSystemComponent):
    """One choice of several, with its label; put them in a FormGroup, which gives them one name."""

    library = _entry("RadioButton")
    tag = "HnRadioButton"

    label: Var[str | rx.Component]
    input_id: Var[str]
    name: Var[str]
    value: Var[str]
    default_checked: Var[bool]
    error: Var[bool]


class FormGroup(_DesignSystemComponent, MemoizationLeaf):
    """A fieldset with a legend and one error for the group.

    It recognises its direct children by their component type, so Reflex must not wrap them in memo
    components (hence MemoizationLeaf).
    """

    library = _entry("FormGroup")
    tag = "HnFormGroup"

    legend: Var[str]
    name: Var[str]
    error: Var[str]


class Select(_DesignSystemComponent):
    """A native select with the portal's look; children are `rx.el.option`s."""

    library = _entry("Select")
    tag = "HnSelect"

    label: Var[str | rx.Component]
    select_id: Var[str]
    name: Var[str]
    value: Var[str]
    width: Var[int]
    concept: Var[Literal["normal", "transparent"]]

    on_change: EventHandler[input_event]


class NotificationPanel(_DesignSystemComponent):
    """A highlighted box for information, warnings, errors and confirmations."""

    library = _entry("NotificationPanel")
    tag = "HnNotificationPanel"

    variant: Var[Literal["info", "warn", "error", "success"]]
    label: Var[str]
    label_html_markup: Var[Literal["h1", "h2", "h3", "h4", "h5", "span"]]
    size: Var[Literal["small", "medium", "large"]]
    fluid: Var[bool]
    role: Var[Literal["region", "alert", "status", "none"]]


class Badge(_DesignSystemComponent):
    """A short status label."""

    library = _entry("Badge")
    tag = "HnBadge"

    color: Var[Literal["blueberry", "cherry", "neutral"]]


class Loader(_DesignSystemComponent):
    """A busy indicator with a label for screen readers."""

    library = _entry("Loader")
    tag = "HnLoader"

    size: Var[Literal["tiny", "small", "medium", "large"]]
    center: Var[bool]
    aria_label: Var[str]


class Table(NoSSRComponent):
    """A table; it reads the window width while rendering, so it renders in the browser only."""

    library = _entry("Table")
    tag = "HnTable"
    is_default = True
    lib_dependencies: list[str] = DEPENDENCIES

    # {"breakpoint": "md", "variant": "block"}: below the breakpoint each row becomes a block.
    breakpoint_config: Var[dict[str, str] | list[dict[str, str]]]
    test_id: Var[str]


class _TablePart(rx.Component):
    library = _entry("Table")
    lib_dependencies: list[str] = DEPENDENCIES


class TableHead(_TablePart):
    tag = "TableHead"


class TableBody(_TablePart):
    tag = "TableBody"


class TableRow(_TablePart):
    tag = "TableRow"


class TableHeadCell(_TablePart):
    tag = "TableHeadCell"


class TableCell(_TablePart):
    tag = "TableCell"

    data_label: Var[str]  # the column's name, shown beside the value when rows become blocks


title = Title.create


def button(
    *children: rx.Component | Var | str, aria_label: Var[str] | str | None = None, **props: Any
) -> rx.Component:
    """A design-system button. Its own `ariaLabel` names only a button without text, so a name that says more
    than the text ("End the power of attorney for Nora Lind" for "End") goes onto the element itself."""
    if aria_label is not None:
        props["custom_attrs"] = {**props.get("custom_attrs", {}), "aria-label": aria_label}
    return Button.create(*children, **props)


text_input = Input.create
textarea = Textarea.create
checkbox = Checkbox.create
radio_button = RadioButton.create
form_group = FormGroup.create
select = Select.create
notification_panel = NotificationPanel.create
badge = Badge.create
loader = Loader.create


def table(*children: rx.Component, **props: Any) -> rx.Component:
    """A table in a box of its own. Below its breakpoint the design system floats each row's cells (the
    block layout); the box holds the floats, so what follows (a pager) starts below the table, not beside it.
    """
    return rx.el.div(Table.create(*children, **props), class_name="hc-table")


table_head = TableHead.create
table_body = TableBody.create
table_row = TableRow.create
table_head_cell = TableHeadCell.create
table_cell = TableCell.create
