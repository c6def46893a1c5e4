"""``KnowledgePane``: debounced search with highlighted snippets, a Markdown article viewer, suggestions from the
open ticket and the active call, favourites and recently viewed (kept in the local cache, so available offline).

Main thread; every hub call goes through the ``SyncEngine`` and comes back via ``SyncBridge.watch``. Answers to an
older query than the one in the box are dropped, so fast typing never shows stale results.

Signals:
    results_shown(str, int): the query whose results are now on screen and how many (tests, benchmark).
    article_shown(int): the article now in the viewer.
"""

from __future__ import annotations

import functools
import html
from datetime import datetime

from PySide6.QtCore import QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import protocol as proto
from app.sync.errors import SyncError, SyncErrorKind
from app.sync.events import ConnectionChanged, ConnectionState, KbChanged, SessionStarted
from app.sync_bridge import SyncBridge

SEARCH_DEBOUNCE_MS = 80  # fast enough to feel live, slow enough not to query on every keystroke
SUGGEST_DEBOUNCE_MS = 400
_MARK = "<span style='background:#ffe58f;'>"


def highlight(text: str) -> str:
    """HTML for a hub snippet: escaped, with the hub's STX/ETX markers turned into highlights."""
    escaped = html.escape(text)
    return escaped.replace(proto.HIGHLIGHT_START, _MARK).replace(proto.HIGHLIGHT_END, "</span>")


def updated_today(when: datetime, now: datetime | None = None) -> bool:
    local_now = (now or datetime.now().astimezone()).astimezone()
    return when.astimezone(local_now.tzinfo).date() == local_now.date()


class KnowledgePane(QWidget):
    """Knowledge search and reading (see the module docstring for the signals)."""

    results_shown = Signal(str, int)
    article_shown = Signal(int)

    def __init__(self, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._query_seq = 0
        self._suggest_seq = 0
        self._article: proto.KbArticle | None = None
        self._favourites: set[int] = set()
        self._changed_today: set[int] = set()
        self._suggest_context = ("", "")
        self._call_number = ""
        self._stopped = False

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search the knowledge base (Chinese or English)…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_timer)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #777;")

        self.results = self._browser()
        self.suggestions = self._browser()
        self.favourites = self._browser()
        self.recent = self._browser()
        self.lists = QTabWidget(self)
        self.lists.addTab(self.results, self.tr("Results"))
        self.lists.addTab(self.suggestions, self.tr("Suggested"))
        self.lists.addTab(self.favourites, self.tr("Favourites"))
        self.lists.addTab(self.recent, self.tr("Recently viewed"))
        self.lists.currentChanged.connect(self._on_tab_changed)

        self.article_title = QLabel(self)
        self.article_title.setWordWrap(True)
        font = self.article_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.article_title.setFont(font)
        self.article_meta = QLabel(self)
        self.article_meta.setStyleSheet("color: #777;")
        self.favourite_button = QPushButton(self)
        self.favourite_button.setCheckable(True)
        self.favourite_button.toggled.connect(self._on_favourite_toggled)
        self.viewer = QTextBrowser(self)
        self.viewer.setOpenLinks(False)
        self.viewer.anchorClicked.connect(self._on_link_clicked)

        head = QHBoxLayout()
        head.addWidget(self.article_title, 1)
        head.addWidget(self.favourite_button)
        reader = QWidget(self)
        reader_layout = QVBoxLayout(reader)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.addLayout(head)
        reader_layout.addWidget(self.article_meta)
        reader_layout.addWidget(self.viewer, 1)
        splitter = QSplitter(self)
        splitter.setOrientation(splitter.orientation().Vertical)
        splitter.addWidget(self.lists)
        splitter.addWidget(reader)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._on_search_timer)
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DEBOUNCE_MS)
        self._suggest_timer.timeout.connect(self._on_suggest_timer)
        bridge.event_received.connect(self._on_sync_event)
        self._show_article(None)

    def _browser(self) -> QTextBrowser:
        browser = QTextBrowser(self)
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(self._on_link_clicked)
        return browser

    # ------------------------------------------------------------------------------------------ search
    def stop(self) -> None:
        """Stop the debounce timers for good and ignore whatever still arrives (the application is shutting down:
        a timer firing now would ask a stopped hub connection). Idempotent; the composition root calls it."""
        if self._stopped:
            return
        self._stopped = True
        self._search_timer.stop()
        self._suggest_timer.stop()
        self._bridge.event_received.disconnect(self._on_sync_event)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def _restart(self, timer: QTimer) -> None:
        if not self._stopped:
            timer.start()

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._restart(self._search_timer)

    @Slot()
    def _on_search_timer(self) -> None:
        self._search_timer.stop()
        if self._stopped:
            return
        query = self.search.text().strip()
        self._query_seq += 1
        if not query:
            self.results.clear()
            self.status.clear()
            return
        seq = self._query_seq
        self._bridge.watch(
            self._bridge.engine.search_kb(query),
            functools.partial(self._on_results, seq),
            functools.partial(self._on_search_failed, seq),
            self,
        )

    def _on_results(self, seq: int, result: proto.KbSearchResult) -> None:
        if seq != self._query_seq:
            return  # an older query answered late
        self.results.setHtml(self._hits_html(result.hits))
        self.lists.setCurrentWidget(self.results)
        status = self.tr("%n article(s) found", "", result.total)
        if self._bridge.engine.state is not ConnectionState.ONLINE:
            status += " · " + self.tr("Offline: only favourites and recently viewed articles are available.")
        self.status.setText(status)
        self.results_shown.emit(result.query, len(result.hits))

    def _on_search_failed(self, seq: int, exc: Exception) -> None:
        if seq != self._query_seq:
            return
        if isinstance(exc, SyncError) and exc.kind in (SyncErrorKind.NETWORK, SyncErrorKind.OFFLINE):
            self.status.setText(self.tr("Offline: only favourites and recently viewed articles are available."))
        else:
            self.status.setText(self.tr("The search failed. Please try again."))

    def _hits_html(self, hits: list[proto.KbHit]) -> str:
        if not hits:
            return "<p style='color:#777'>{}</p>".format(html.escape(self.tr("No matching articles.")))
        parts = []
        for hit in hits:
            badge = self._today_badge(hit.id, hit.updated_at)
            title = highlight(hit.title_highlighted or hit.title)
            parts.append(
                f"<p><a href='kb:{hit.id}'><b>{title}</b></a>{badge}<br>"
                f"<span style='color:#555'>{highlight(hit.snippet)}</span></p>"
            )
        return "".join(parts)

    def _articles_html(self, articles: list[proto.KbArticle], empty: str) -> str:
        if not articles:
            return f"<p style='color:#777'>{html.escape(empty)}</p>"
        return "".join(
            f"<p><a href='kb:{a.id}'><b>{html.escape(a.title)}</b></a>{self._today_badge(a.id, a.updated_at)}</p>"
            for a in articles
        )

    def _today_badge(self, article_id: int, updated_at: datetime) -> str:
        if article_id in self._changed_today or updated_today(updated_at):
            return " <span style='color:#fff;background:#2e7d32;'>&nbsp;{}&nbsp;</span>".format(
                html.escape(self.tr("Updated today"))
            )
        return ""

    # ------------------------------------------------------------------------------------------ suggestions
    @Slot(str, str)
    def suggest_for(self, category: str, text: str) -> None:
        """The open ticket changed: suggest articles for its category and text."""
        self._suggest_context = (category, text)
        self._restart(self._suggest_timer)

    @Slot(str)
    def on_call_context(self, number: str) -> None:
        """A call became active (its number) or ended (""): suggestions follow the call's ticket context."""
        self._call_number = number
        if number:
            self._restart(self._suggest_timer)

    @Slot()
    def _on_suggest_timer(self) -> None:
        if self._stopped:
            return
        category, text = self._suggest_context
        if not category and not text:
            return
        self._suggest_seq += 1
        seq = self._suggest_seq
        self._bridge.watch(
            self._bridge.engine.suggest_kb(category or None, text),
            functools.partial(self._on_suggestions, seq),
            self._on_suggestions_failed,
            self,
        )

    def _on_suggestions_failed(self, exc: Exception) -> None:
        del exc  # suggestions are advisory: offline or signed out they simply do not change

    def _on_suggestions(self, seq: int, result: proto.KbSearchResult) -> None:
        if seq != self._suggest_seq:
            return
        self.suggestions.setHtml(self._hits_html(result.hits))
        if self._call_number and not self.search.text().strip():
            self.lists.setCurrentWidget(self.suggestions)

    # ------------------------------------------------------------------------------------------ favourites / recent
    @Slot(int)
    def _on_tab_changed(self, _index: int) -> None:
        if self.lists.currentWidget() in (self.favourites, self.recent):
            self.refresh_saved()

    def refresh_saved(self) -> None:
        if self._stopped:
            return
        self._bridge.watch(self._bridge.engine.favourites_and_recent(), self._on_saved, None, self)

    def _on_saved(self, lists: tuple[list[proto.KbArticle], list[proto.KbArticle]]) -> None:
        favourites, recent = lists
        self._favourites = {a.id for a in favourites}
        self.favourites.setHtml(self._articles_html(favourites, self.tr("No favourites yet: use ☆ on an article.")))
        self.recent.setHtml(self._articles_html(recent, self.tr("No articles viewed yet.")))
        self._render_favourite_button()

    @Slot(bool)
    def _on_favourite_toggled(self, on: bool) -> None:
        article = self._article
        if article is None or (article.id in self._favourites) == on:
            return
        if on:
            self._favourites.add(article.id)
        else:
            self._favourites.discard(article.id)
        self._render_favourite_button()
        self._bridge.watch(self._bridge.engine.set_favourite(article.id, on), self._on_favourite_saved, None, self)

    def _on_favourite_saved(self, _none: object) -> None:
        self.refresh_saved()

    def _render_favourite_button(self) -> None:
        on = self._article is not None and self._article.id in self._favourites
        self.favourite_button.blockSignals(True)
        self.favourite_button.setChecked(on)
        self.favourite_button.setText(self.tr("★ Favourite") if on else self.tr("☆ Add to favourites"))
        self.favourite_button.blockSignals(False)

    # ------------------------------------------------------------------------------------------ articles
    @Slot(QUrl)
    def _on_link_clicked(self, url: QUrl) -> None:
        if url.scheme() == "kb":
            try:
                self.open_article(int(url.path() or url.toString().removeprefix("kb:")))
            except ValueError:
                return
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def open_article(self, article_id: int) -> None:
        self._bridge.watch(self._bridge.engine.article(article_id), self._show_article, self._on_article_failed, self)

    def _on_article_failed(self, exc: Exception) -> None:
        if isinstance(exc, SyncError) and exc.kind in (SyncErrorKind.OFFLINE, SyncErrorKind.NETWORK):
            self.status.setText(self.tr("This article is not saved on this computer and the hub is unreachable."))
        else:
            self.status.setText(self.tr("The article could not be opened."))

    def _show_article(self, article: proto.KbArticle | None) -> None:
        self._article = article
        self.favourite_button.setVisible(article is not None)
        if article is None:
            self.article_title.setText(self.tr("No article open"))
            self.article_meta.clear()
            self.viewer.clear()
            return
        self.article_title.setText(article.title)
        meta = self.tr("Updated %1").replace("%1", article.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"))
        if article.tags:
            meta += " · " + " ".join("#" + t for t in article.tags)
        if article.id in self._changed_today or updated_today(article.updated_at):
            meta += " · " + self.tr("Updated today")
        self.article_meta.setText(meta)
        self.viewer.document().setMarkdown(article.body)
        self._render_favourite_button()
        self.article_shown.emit(article.id)
        self.refresh_saved()

    @property
    def article(self) -> proto.KbArticle | None:
        return self._article

    # ------------------------------------------------------------------------------------------ sync events
    @Slot(object)
    def _on_sync_event(self, event: object) -> None:
        if isinstance(event, KbChanged):
            if updated_today(event.change.updated_at):
                self._changed_today.add(event.change.id)
            if self._article is not None and self._article.id == event.change.id and event.change.change == "upsert":
                self.open_article(event.change.id)
        elif isinstance(event, SessionStarted):
            self.refresh_saved()
        elif isinstance(event, ConnectionChanged) and event.state is ConnectionState.ONLINE and self.search.text():
            self._restart(self._search_timer)
