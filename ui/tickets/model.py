"""``TicketTableModel`` (rows of ``app.protocol.Ticket``) and ``TicketFilterProxy`` (views, search). Main thread.

Pushes are applied in place: an existing row gets ``dataChanged``, a new ticket ``beginInsertRows``, a gone one
``beginRemoveRows``. Even a full resync is applied as a diff against the rows we have, so selection, scroll position
and sorting survive. The SLA column is a live countdown: ``tick()`` (driven by the panel's timer) emits one
``dataChanged`` for that column.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app import protocol as proto
from ui.tickets.labels import PRIORITY_RANK, STATUS_RANK, category_name, priority_label, status_label

_Index = QModelIndex | QPersistentModelIndex

TICKET_ROLE = Qt.ItemDataRole.UserRole + 1  # the Ticket
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a comparable key per column
PENDING_ROLE = Qt.ItemDataRole.UserRole + 3  # True while a local edit waits in the outbox

SLA_WARN_FRACTION = 0.8
_WARN = QColor("#b26a00")
_WARN_BG = QColor("#fff3d6")
_OVERDUE = QColor("#b00020")
_OVERDUE_BG = QColor("#fde0e3")


def is_chinese() -> bool:
    return QLocale().name().startswith("zh")


class Column(enum.IntEnum):
    NUMBER = 0
    CUSTOMER = 1
    CATEGORY = 2
    STATUS = 3
    PRIORITY = 4
    SLA_DUE = 5


def sla_fraction(ticket: proto.Ticket, now: datetime) -> float | None:
    """Share of the SLA window used (1.0 = due now); None when the ticket has no SLA or is finished."""
    if ticket.sla_due is None or ticket.status not in proto.OPEN_TICKET_STATUSES:
        return None
    total = (ticket.sla_due - ticket.created_at).total_seconds()
    if total <= 0:
        return 1.0 if now >= ticket.sla_due else 0.0
    return (now - ticket.created_at).total_seconds() / total


def format_time(when: datetime, long: bool = False) -> str:
    """A time in the agent's locale and time zone."""
    stamp = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
    fmt = QLocale.FormatType.LongFormat if long else QLocale.FormatType.ShortFormat
    return str(QLocale().toString(stamp, fmt))


def format_countdown(delta: timedelta) -> str:
    """ "3h 05m" / "12m" / "overdue 1h 10m" (translated)."""
    seconds = int(delta.total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = (
            QCoreApplication.translate("TicketTableModel", "%1d %2h").replace("%1", str(days)).replace("%2", str(hours))
        )
    elif hours:
        text = (
            QCoreApplication.translate("TicketTableModel", "%1h %2m")
            .replace("%1", str(hours))
            .replace("%2", f"{minutes:02d}")
        )
    else:
        text = QCoreApplication.translate("TicketTableModel", "%1m").replace(
            "%1", str(max(minutes, 0 if overdue else 1))
        )
    if overdue:
        return QCoreApplication.translate("TicketTableModel", "Overdue %1").replace("%1", text)
    return text


class TicketTableModel(QAbstractTableModel):
    """The tickets the agent can see. Rows keep arrival order; sorting is the proxy's job."""

    def __init__(self, parent: QObject | None = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._rows: list[proto.Ticket] = []
        self._row_of: dict[int, int] = {}
        self._pending: set[int] = set()
        self._categories: dict[str, proto.TicketCategory] = {}
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sort_column: Column | None = None
        self._descending = False
        self._keep_identity: frozenset[int] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------------------------------------- Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(Column):
            return None
        return (
            self.tr("Number"),
            self.tr("Customer"),
            self.tr("Category"),
            self.tr("Status"),
            self.tr("Priority"),
            self.tr("SLA due"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(Column):
            return None
        ticket = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(ticket, column)
        if role == TICKET_ROLE:
            return ticket
        if role == PENDING_ROLE:
            return ticket.id in self._pending
        if role == SORT_ROLE:
            return self._sort_key(ticket, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(ticket, column)
        if column is Column.SLA_DUE and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            fraction = sla_fraction(ticket, self._clock())
            if fraction is None or fraction < SLA_WARN_FRACTION:
                return None
            overdue = fraction >= 1.0
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(_OVERDUE if overdue else _WARN)
            return QBrush(_OVERDUE_BG if overdue else _WARN_BG)
        if (
            role == Qt.ItemDataRole.FontRole
            and column is Column.PRIORITY
            and ticket.priority
            in (
                proto.TicketPriority.HIGH,
                proto.TicketPriority.URGENT,
            )
        ):
            return self._bold
        return None

    def _display(self, ticket: proto.Ticket, column: Column) -> str:
        match column:
            case Column.NUMBER:
                number = ticket.number or self.tr("(not sent yet)")
                return number + (" ⟳" if ticket.id in self._pending else "")
            case Column.CUSTOMER:
                return ticket.customer_name
            case Column.CATEGORY:
                return category_name(self._categories.get(ticket.category), ticket.category, is_chinese())
            case Column.STATUS:
                return status_label(ticket.status)
            case Column.PRIORITY:
                return priority_label(ticket.priority)
            case Column.SLA_DUE:
                if ticket.sla_due is None:
                    return ""
                if ticket.status not in proto.OPEN_TICKET_STATUSES:
                    return format_time(ticket.sla_due)
                return format_countdown(ticket.sla_due - self._clock())

    def _tooltip(self, ticket: proto.Ticket, column: Column) -> str | None:
        if column is Column.NUMBER and ticket.id in self._pending:
            return self.tr("Local changes are waiting to be sent to the hub.")
        if column is Column.CUSTOMER:
            return ticket.customer_phone or None
        if column is Column.SLA_DUE and ticket.sla_due is not None:
            return format_time(ticket.sla_due, long=True)
        return ticket.subject or None

    @staticmethod
    def _sort_key(ticket: proto.Ticket, column: Column) -> Any:
        match column:
            case Column.NUMBER:
                return ticket.number or "~"
            case Column.CUSTOMER:
                return ticket.customer_name
            case Column.CATEGORY:
                return ticket.category
            case Column.STATUS:
                return STATUS_RANK[ticket.status]
            case Column.PRIORITY:
                return PRIORITY_RANK[ticket.priority]
            case Column.SLA_DUE:
                return ticket.sla_due.timestamp() if ticket.sla_due else float("inf")

    # ------------------------------------------------------------------------------------------- updates
    def set_categories(self, categories: Iterable[proto.TicketCategory]) -> None:
        self._categories = {c.code: c for c in categories}
        if self._rows:
            self._column_changed(Column.CATEGORY)

    def category(self, code: str) -> proto.TicketCategory | None:
        return self._categories.get(code)

    def categories(self) -> list[proto.TicketCategory]:
        return list(self._categories.values())

    def upsert(self, ticket: proto.Ticket, pending: bool = False) -> None:
        """Insert or update one ticket in place (at its place in the current sort order)."""
        if pending:
            self._pending.add(ticket.id)
        else:
            self._pending.discard(ticket.id)
        row = self._row_of.get(ticket.id)
        if row is None:
            row = self._position_for(ticket)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, ticket)
            self._renumber(row)
            self.endInsertRows()
            return
        old = self._rows[row]
        if self._sort_column is not None and self._key(old) != self._key(ticket):
            self._rows.pop(row)
            target = self._position_for(ticket)
            self._rows.insert(row, old)
            dest = target if target < row else target + 1
            if dest not in (row, row + 1) and ticket.id not in self._keep_identity:
                # Re-sorted: removed and inserted at its new place. A sort/filter proxy handles both incrementally
                # (it filters the one inserted row), whereas a row move is a layout change to it: it re-filters all
                # 10,000 rows, a Python callback each (30–70 ms per push on the GUI thread).
                was_pending = ticket.id in self._pending
                self._remove_row(row)
                if was_pending:
                    self._pending.add(ticket.id)
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, ticket)
                self._renumber(target)
                self.endInsertRows()
                # and, as for every update, dataChanged for its row (what listeners of changes wait for)
                self.dataChanged.emit(self.index(target, 0), self.index(target, len(Column) - 1))
                return
            if dest not in (row, row + 1):
                # the selected ticket moves: its persistent indexes (the view's selection) follow it
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest)
                self._rows.pop(row)
                self._rows.insert(target, ticket)
                self._renumber(min(row, target), max(row, target) + 1)
                self.endMoveRows()
                row = target
        self._rows[row] = ticket
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def keep_identity(self, ticket_ids: Iterable[int]) -> None:
        """Tickets whose row must keep its identity when a change re-sorts it (the selected ones: a move keeps the
        view's selection on them); other re-sorted rows are removed and re-inserted, which costs a proxy far less."""
        self._keep_identity = frozenset(ticket_ids)

    # ------------------------------------------------------------------------------------------- order
    def _key(self, ticket: proto.Ticket) -> Any:
        assert self._sort_column is not None
        return self._sort_key(ticket, self._sort_column)

    def _position_for(self, ticket: proto.Ticket) -> int:
        """Where ``ticket`` belongs in the current order (binary search, after equal keys)."""
        if self._sort_column is None:
            return len(self._rows)
        key = self._key(ticket)
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            other = self._key(self._rows[mid])
            if (key > other) if self._descending else (key < other):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _renumber(self, start: int, stop: int | None = None) -> None:
        for i in range(start, len(self._rows) if stop is None else stop):
            self._row_of[self._rows[i].id] = i

    def sort_order(self) -> tuple[int, Qt.SortOrder] | None:
        """The current order (column, direction), or None when unsorted."""
        if self._sort_column is None:
            return None
        direction = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return int(self._sort_column), direction

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (a layout change: selections and persistent indexes follow their rows)."""
        self._sort_column = Column(column) if 0 <= column < len(Column) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._resort()

    def _resort(self) -> None:
        if self._sort_column is None or not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        remembered = [(self._rows[i.row()].id, i.column()) for i in persistent]
        self._rows.sort(key=self._key, reverse=self._descending)
        self._row_of = {t.id: i for i, t in enumerate(self._rows)}
        self.changePersistentIndexList(persistent, [self.index(self._row_of[tid], col) for tid, col in remembered])
        self.layoutChanged.emit()

    def replace_local(self, local_id: int, ticket: proto.Ticket) -> None:
        """A ticket created offline reached the hub: its placeholder row becomes the real ticket."""
        row = self._row_of.pop(local_id, None)
        self._pending.discard(local_id)
        if row is None:
            self.upsert(ticket)
            return
        if ticket.id in self._row_of:  # the push already brought it: drop the placeholder
            self._remove_row(row)
            self.upsert(ticket)
            return
        self._rows[row] = ticket
        self._row_of[ticket.id] = row
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def remove(self, ticket_id: int) -> None:
        row = self._row_of.get(ticket_id)
        if row is not None:
            self._remove_row(row)

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        gone = self._rows.pop(row)
        self._row_of.pop(gone.id, None)
        self._pending.discard(gone.id)
        self._renumber(row)
        self.endRemoveRows()

    def apply_snapshot(self, tickets: Iterable[proto.Ticket], pending: Iterable[int] = ()) -> None:
        """Make the rows equal to ``tickets`` with the fewest changes (never a model reset)."""
        incoming = {t.id: t for t in tickets}
        self._pending = set(pending) & set(incoming)
        gone = sorted((row for tid, row in self._row_of.items() if tid not in incoming), reverse=True)
        # remove from the bottom up, in contiguous runs
        while gone:
            last = gone[0]
            first = last
            while len(gone) > 1 and gone[1] == first - 1:
                gone.pop(0)
                first = gone[0]
            gone.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._row_of = {t.id: i for i, t in enumerate(self._rows)}
        changed_rows = []
        reorder = False
        for row, old in enumerate(self._rows):
            new = incoming.pop(old.id)
            if new != old:
                reorder = reorder or (self._sort_column is not None and self._key(new) != self._key(old))
                self._rows[row] = new
                changed_rows.append(row)
        if changed_rows:
            self.dataChanged.emit(self.index(min(changed_rows), 0), self.index(max(changed_rows), len(Column) - 1))
        if incoming:
            added = list(incoming.values())
            if self._sort_column is not None:
                added.sort(key=self._key, reverse=self._descending)
                reorder = reorder or bool(self._rows)
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            self._renumber(start)
            self.endInsertRows()
        if reorder:
            self._resort()

    def tick(self) -> None:
        """Refresh the SLA countdowns (and their colours)."""
        if self._rows:
            self._column_changed(Column.SLA_DUE)

    def _column_changed(self, column: Column) -> None:
        self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    # ------------------------------------------------------------------------------------------- queries
    def ticket_at(self, row: int) -> proto.Ticket | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def ticket(self, ticket_id: int) -> proto.Ticket | None:
        row = self._row_of.get(ticket_id)
        return self._rows[row] if row is not None else None

    def row_of(self, ticket_id: int) -> int | None:
        return self._row_of.get(ticket_id)

    def is_pending(self, ticket_id: int) -> bool:
        return ticket_id in self._pending

    def tickets(self) -> list[proto.Ticket]:
        return list(self._rows)


class TicketView(enum.Enum):
    MY_OPEN = "my_open"
    TEAM_QUEUE = "team_queue"
    RECENT = "recent"
    CALLER = "caller"  # the current caller's tickets (screen pop)


RECENT_DAYS = 7
MEMO_STATES = 4  # filter states whose verdicts the proxy remembers (a view, the caller view, a search or two)


class TicketFilterProxy(QSortFilterProxyModel):
    """Views ("my open", "team queue", "recent", the caller's tickets) plus a free-text filter."""

    def __init__(self, parent: QObject | None = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._view = TicketView.MY_OPEN
        self._user_id: int | None = None
        self._team_id: int | None = None
        self._phone: str | None = None
        self._text = ""
        self._clock = clock or (lambda: datetime.now(UTC))
        # Verdicts remembered per filter state, ticket by ticket (valid while the row holds the same, immutable,
        # Ticket object): switching back to a view (leaving the caller view after a call, clearing the search) or a
        # layout change re-filters 10,000 rows with a dictionary look-up each instead of evaluating the filter.
        self._memos: dict[tuple[object, ...], dict[int, tuple[proto.Ticket, bool]]] = {}
        self._memo: dict[int, tuple[proto.Ticket, bool]] | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._select_memo()

    def _select_memo(self) -> None:
        if self._view is TicketView.RECENT:
            self._memo = None  # depends on the time of day
            return
        key = (self._view, self._phone, self._user_id, self._team_id, self._text)
        memo = self._memos.pop(key, None)
        self._memos[key] = memo = {} if memo is None else memo  # most recently used last
        while len(self._memos) > MEMO_STATES:
            del self._memos[next(iter(self._memos))]
        self._memo = memo

    def _refilter(self) -> None:
        self._select_memo()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_user(self, user_id: int | None, team_id: int | None) -> None:
        self.beginFilterChange()
        self._user_id, self._team_id = user_id, team_id
        self._refilter()

    def set_view(self, view: TicketView, phone: str | None = None) -> None:
        if view is self._view and phone == self._phone:
            return  # refiltering 10,000 rows calls back into Python for each: only when something changed
        self.beginFilterChange()
        self._view = view
        self._phone = phone
        self._refilter()

    @property
    def view(self) -> TicketView:
        return self._view

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self._refilter()

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        if not isinstance(model, TicketTableModel):
            raise TypeError("TicketFilterProxy works on a TicketTableModel")
        self._tickets = model
        super().setSourceModel(model)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's job (a Python sort with keys: ~100× faster than Qt calling back into
        Python for every comparison of 10,000 rows); the proxy keeps the source order and only filters."""
        self._tickets.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        del source_parent  # a flat table
        ticket = self._tickets.ticket_at(source_row)
        if ticket is None:
            return False
        memo = self._memo
        if memo is None:
            return self._accepts(ticket)
        known = memo.get(ticket.id)
        if known is not None and known[0] is ticket:
            return known[1]
        accepted = self._accepts(ticket)
        memo[ticket.id] = (ticket, accepted)
        return accepted

    def _accepts(self, ticket: proto.Ticket) -> bool:
        if not self._in_view(ticket):
            return False
        if not self._text:
            return True
        haystack = " ".join(
            (ticket.number, ticket.customer_name, ticket.customer_phone or "", ticket.subject, ticket.category)
        ).casefold()
        return all(part in haystack for part in self._text.split())

    def _in_view(self, ticket: proto.Ticket) -> bool:
        is_open = ticket.status in proto.OPEN_TICKET_STATUSES
        match self._view:
            case TicketView.MY_OPEN:
                return is_open and (ticket.assignee_id == self._user_id or ticket.id < 0)
            case TicketView.TEAM_QUEUE:
                return is_open and self._team_id is not None and ticket.team_id == self._team_id
            case TicketView.RECENT:
                return ticket.updated_at >= self._clock() - timedelta(days=RECENT_DAYS)
            case TicketView.CALLER:
                return self._phone is not None and ticket.customer_phone == self._phone
