"""The main window: the frame every panel of AgentDesk lives in.

Layout (an agent sees everything at once; splitter sizes are remembered)::

    +--------------------------------------------------------------------------------+
    | menu bar                                                                       |
    | [ state bar: 签入 / 示闲 / 示忙 / 小休 / 话后整理 / 签出            ] (toolbar) |
    +----------------+-------------------------------------+-------------------------+
    | phone panel    | center tabs: tickets (工单), ...     | knowledge (知识库)      |
    |                |                                     |                         |
    +----------------+                                     |                         |
    | health panel   |                                     |                         |
    +----------------+-------------------------------------+-------------------------+
    | status bar: messages                        | indicators (SIP, hub, health)    |

Other areas fill the places through :meth:`MainWindow.set_panel` (or the named wrappers ``set_state_bar``,
``set_phone_panel``, ``set_health_panel``, ``set_tickets_panel``, ``set_knowledge_panel``), add tabs with
:meth:`MainWindow.add_center_tab`, status indicators with :meth:`MainWindow.add_status_indicator`, menu entries with
:meth:`MainWindow.menu` and settings pages with :meth:`MainWindow.add_settings_page`. Until a panel is set, its place
shows what it is for. The window owns no services: the composition root (``ui/main.py``) builds them.

Signals:
    sign_in_requested(): File → Sign in.
    sign_out_requested(): File → Sign out.
    settings_requested(): Settings → Preferences.
    about_requested(): Help → About.
    diagnostics_requested(): Help → Copy diagnostics.
    language_requested(str): a language picked in Settings → Language (``"zh_CN"``/``"en"``).
    quit_requested(): File → Quit (the window only hides on close when the tray keeps the app running).

Main thread only.
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


class Panel(enum.Enum):
    """The fixed places of the main window."""

    STATE_BAR = "state-bar"
    PHONE = "phone"
    HEALTH = "health"
    TICKETS = "tickets"
    KNOWLEDGE = "knowledge"


class MenuName(enum.Enum):
    """Top-level menus other areas may add actions to."""

    FILE = "file"
    VIEW = "view"
    SETTINGS = "settings"
    HELP = "help"


class EmptyPanel(QWidget):
    """What a place shows until its panel is set: the panel's name and what it will hold."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self._loading = False
        self.setObjectName(f"empty-{panel.value}")
        self.setProperty("empty", True)  # styled by resources/styles/agentdesk.qss
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        horizontal = panel is Panel.STATE_BAR  # a one-line toolbar
        layout: QBoxLayout = QHBoxLayout(self) if horizontal else QVBoxLayout(self)
        self._title = QLabel(self)
        self._title.setObjectName("emptyTitle")
        self._text = QLabel(self)
        self._text.setObjectName("emptyText")
        self._text.setWordWrap(True)
        for label in (self._title, self._text):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignCenter)
        if horizontal:
            layout.setContentsMargins(4, 2, 4, 2)
            self._text.setWordWrap(False)  # one line in the toolbar
        else:
            layout.addStretch(1)
        layout.addWidget(self._title)
        layout.addWidget(self._text)
        layout.addStretch(1)
        self.retranslate_ui()

    def set_loading(self, loading: bool) -> None:
        """While the areas are being built, say so instead of "not set up"."""
        self._loading = loading
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        if self._loading:
            self._text.setText(self.tr("Loading…"))
        title, text = {
            Panel.STATE_BAR: (self.tr("Agent state"), self.tr("Sign in to set your state.")),
            Panel.PHONE: (self.tr("Phone"), self.tr("The softphone is not set up.")),
            Panel.HEALTH: (self.tr("Health check"), self.tr("VPN and device checks are not set up.")),
            Panel.TICKETS: (self.tr("Tickets"), self.tr("Tickets appear here after you sign in.")),
            Panel.KNOWLEDGE: (self.tr("Knowledge base"), self.tr("Knowledge search is available after you sign in.")),
        }[self.panel]
        self._title.setText(title)
        if not self._loading:
            self._text.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class _Slot(QWidget):
    """A container holding exactly one widget: the panel, or its :class:`EmptyPanel`."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"slot-{panel.value}")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.widget: QWidget = EmptyPanel(panel, self)
        self._layout.addWidget(self.widget)

    def replace(self, widget: QWidget) -> None:
        old = self.widget
        self._layout.replaceWidget(old, widget)
        old.deleteLater()
        widget.setParent(self)
        widget.show()
        self.widget = widget


class MainWindow(QMainWindow):
    """The AgentDesk main window (see the module docstring for its places and signals)."""

    sign_in_requested = Signal()
    sign_out_requested = Signal()
    settings_requested = Signal()
    about_requested = Signal()
    diagnostics_requested = Signal()
    language_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self._settings = settings
        self._close_to_tray = False
        self._account_text = ""
        self._settings_pages: list[QWidget] = []
        self.resize(1280, 800)

        # -- state bar: a fixed toolbar at the top
        self._state_toolbar = QToolBar(self)
        self._state_toolbar.setObjectName("stateToolbar")
        self._state_toolbar.setMovable(False)
        self._state_toolbar.setFloatable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self._state_toolbar)

        # -- places
        self._slots = {panel: _Slot(panel) for panel in Panel}
        self._state_toolbar.addWidget(self._slots[Panel.STATE_BAR])
        self._left = QSplitter(Qt.Orientation.Vertical)
        self._left.setObjectName("leftSplitter")
        self._left.addWidget(self._slots[Panel.PHONE])
        self._left.addWidget(self._slots[Panel.HEALTH])
        self._left.setStretchFactor(0, 3)
        self._left.setStretchFactor(1, 1)
        self._center = QTabWidget()
        self._center.setObjectName("centerTabs")
        self._center.setDocumentMode(True)
        self._center.addTab(self._slots[Panel.TICKETS], "")
        self._main = QSplitter(Qt.Orientation.Horizontal)
        self._main.setObjectName("mainSplitter")
        self._main.addWidget(self._left)
        self._main.addWidget(self._center)
        self._main.addWidget(self._slots[Panel.KNOWLEDGE])
        self._main.setStretchFactor(0, 0)
        self._main.setStretchFactor(1, 1)
        self._main.setStretchFactor(2, 0)
        self._main.setSizes([320, 620, 340])
        self.setCentralWidget(self._main)

        # -- status bar
        self._connection_label = QLabel(self)
        self._connection_label.setObjectName("accountLabel")
        self.statusBar().addPermanentWidget(self._connection_label)

        self._build_menus()
        self.retranslate_ui()
        self._restore_state()

    # ------------------------------------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._menus = {name: QMenu(bar) for name in MenuName}
        for name in MenuName:
            self._menus[name].setObjectName(f"menu-{name.value}")
            bar.addMenu(self._menus[name])

        self.action_sign_in = QAction(self)
        self.action_sign_in.triggered.connect(self.sign_in_requested)
        self.action_sign_out = QAction(self)
        self.action_sign_out.setEnabled(False)
        self.action_sign_out.triggered.connect(self.sign_out_requested)
        self.action_quit = QAction(self)
        self.action_quit.setShortcut("Ctrl+Q")
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.quit_requested)
        file_menu = self._menus[MenuName.FILE]
        file_menu.addActions([self.action_sign_in, self.action_sign_out])
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        self.action_show_health = QAction(self)
        self.action_show_health.setCheckable(True)
        self.action_show_health.setChecked(True)
        self.action_show_health.toggled.connect(self._slots[Panel.HEALTH].setVisible)
        self.action_show_knowledge = QAction(self)
        self.action_show_knowledge.setCheckable(True)
        self.action_show_knowledge.setChecked(True)
        self.action_show_knowledge.toggled.connect(self._slots[Panel.KNOWLEDGE].setVisible)
        self._menus[MenuName.VIEW].addActions([self.action_show_health, self.action_show_knowledge])

        self.action_preferences = QAction(self)
        self.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_preferences.triggered.connect(self.settings_requested)
        self._language_menu = QMenu(self)
        self._language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        # Language names are shown in their own language, so they are not translated.
        for code, label in (("zh_CN", "简体中文"), ("en", "English")):
            action = QAction(label, self._language_group)
            action.setCheckable(True)
            action.setData(code)
            action.triggered.connect(self._on_language_action_triggered)
            self._language_menu.addAction(action)
            self.language_actions[code] = action
        settings_menu = self._menus[MenuName.SETTINGS]
        settings_menu.addAction(self.action_preferences)
        settings_menu.addMenu(self._language_menu)

        self.action_diagnostics = QAction(self)
        self.action_diagnostics.triggered.connect(self.diagnostics_requested)
        self.action_about = QAction(self)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self.about_requested)
        self._menus[MenuName.HELP].addActions([self.action_diagnostics, self.action_about])

    @Slot()
    def _on_language_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.language_requested.emit(str(action.data()))

    # ------------------------------------------------------------------------------------------- public API
    def set_panel(self, panel: Panel, widget: QWidget) -> None:
        """Put ``widget`` in ``panel``'s place (replacing the placeholder or a previous panel)."""
        self._slots[panel].replace(widget)
        if panel is Panel.TICKETS:
            self._retitle_tickets_tab()
        log.debug("main window: %s panel set to %s", panel.value, type(widget).__name__)

    def set_panels_loading(self, loading: bool) -> None:
        """Show "Loading…" in every place that has no panel yet (the root builds the areas after the first paint)."""
        for slot in self._slots.values():
            if isinstance(slot.widget, EmptyPanel):
                slot.widget.set_loading(loading)

    def panel(self, panel: Panel) -> QWidget:
        """The widget currently in ``panel``'s place (an :class:`EmptyPanel` until set)."""
        return self._slots[panel].widget

    def set_state_bar(self, widget: QWidget) -> None:
        self.set_panel(Panel.STATE_BAR, widget)

    def set_phone_panel(self, widget: QWidget) -> None:
        self.set_panel(Panel.PHONE, widget)

    def set_health_panel(self, widget: QWidget) -> None:
        self.set_panel(Panel.HEALTH, widget)

    def set_tickets_panel(self, widget: QWidget) -> None:
        self.set_panel(Panel.TICKETS, widget)

    def set_knowledge_panel(self, widget: QWidget) -> None:
        self.set_panel(Panel.KNOWLEDGE, widget)

    def add_center_tab(self, widget: QWidget, icon: QIcon | None = None) -> int:
        """Add a tab next to Tickets (e.g. the supervisor view); its title is ``widget.windowTitle()``, kept in sync."""
        index = self._center.addTab(widget, icon or QIcon(), widget.windowTitle())
        widget.windowTitleChanged.connect(self._on_center_tab_title_changed)
        return index

    def center_tabs(self) -> QTabWidget:
        return self._center

    def add_status_indicator(self, widget: QWidget) -> None:
        """A permanent widget on the right of the status bar (registration, hub connection, health light)."""
        self.statusBar().insertPermanentWidget(0, widget)

    def menu(self, name: MenuName) -> QMenu:
        """One of the top-level menus, for other areas to add actions to."""
        return self._menus[name]

    def add_settings_page(self, page: QWidget) -> None:
        """Register a page for the preferences dialog; its title is ``page.windowTitle()``."""
        self._settings_pages.append(page)

    def settings_pages(self) -> list[QWidget]:
        return list(self._settings_pages)

    def set_account_text(self, text: str) -> None:
        """Who is signed in, shown at the right of the status bar (empty: signed out)."""
        self._account_text = text
        self._connection_label.setText(text or self.tr("Not signed in"))
        self.action_sign_in.setEnabled(not text)
        self.action_sign_out.setEnabled(bool(text))

    def set_current_language(self, code: str) -> None:
        """Check the language's entry in Settings → Language."""
        action = self.language_actions.get(code)
        if action is not None:
            action.setChecked(True)

    def set_language_locked(self, locked: bool) -> None:
        """IT locked the language: show the menu disabled."""
        self._language_menu.setEnabled(not locked)

    def set_close_to_tray(self, enabled: bool) -> None:
        """Closing the window hides it (the tray keeps AgentDesk running) instead of quitting."""
        self._close_to_tray = enabled

    # ------------------------------------------------------------------------------------------- Qt overrides
    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("AgentDesk"))
        self._state_toolbar.setWindowTitle(self.tr("Agent state"))
        titles = {
            MenuName.FILE: self.tr("&File"),
            MenuName.VIEW: self.tr("&View"),
            MenuName.SETTINGS: self.tr("&Settings"),
            MenuName.HELP: self.tr("&Help"),
        }
        for name, title in titles.items():
            self._menus[name].setTitle(title)
        self.action_sign_in.setText(self.tr("Sign &in…"))
        self.action_sign_out.setText(self.tr("Sign &out"))
        self.action_quit.setText(self.tr("&Quit"))
        self.action_show_health.setText(self.tr("&Health check panel"))
        self.action_show_knowledge.setText(self.tr("&Knowledge base panel"))
        self.action_preferences.setText(self.tr("&Preferences…"))
        self._language_menu.setTitle(self.tr("&Language"))
        self.action_diagnostics.setText(self.tr("&Copy diagnostics"))
        self.action_about.setText(self.tr("&About AgentDesk"))
        self._retitle_tickets_tab()
        self.set_account_text(self._account_text)

    def _retitle_tickets_tab(self) -> None:
        index = self._center.indexOf(self._slots[Panel.TICKETS])
        if index >= 0:
            self._center.setTabText(index, self.tr("Tickets"))

    @Slot(str)
    def _on_center_tab_title_changed(self, title: str) -> None:
        widget = self.sender()
        if isinstance(widget, QWidget):
            index = self._center.indexOf(widget)
            if index >= 0:
                self._center.setTabText(index, title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self._close_to_tray:
            event.ignore()
            self.hide()
            return
        event.accept()
        self.quit_requested.emit()

    # ------------------------------------------------------------------------------------------- geometry
    def _restore_state(self) -> None:
        if self._settings is None:
            return
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/main_splitter", self._main.restoreState),
            ("window/left_splitter", self._left.restoreState),
        ):
            value = self._settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def save_state(self) -> None:
        """Remember geometry and splitter sizes (on close, and by the root at quit)."""
        if self._settings is None:
            return
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("window/main_splitter", self._main.saveState())
        self._settings.setValue("window/left_splitter", self._left.saveState())
