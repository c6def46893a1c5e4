"""The ticket form: the category template's required fields are enforced before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from app import protocol as proto
from app.sync.crypto import MemorySecretStore
from app.sync.engine import SyncConfig, SyncEngine
from app.sync_bridge import SyncBridge
from tests.helpers.ports import free_port
from ui.tickets.editor import CallPrefill, TicketEditorDialog

pytestmark = pytest.mark.unit

CARD_LOSS = proto.TicketCategory(
    code="card_loss",
    name_zh="挂失补卡",
    name_en="Card loss",
    sla_minutes=240,
    fields=[
        proto.CustomFieldSpec(
            "card_last4", "卡号后四位", "Card last 4", proto.CustomFieldType.TEXT, True, max_length=4
        ),
        proto.CustomFieldSpec(
            "loss_type", "挂失类型", "Loss type", proto.CustomFieldType.CHOICE, True, ["临时挂失", "正式挂失"]
        ),
        proto.CustomFieldSpec("reissue", "是否补卡", "Reissue", proto.CustomFieldType.BOOL, False),
    ],
    keywords=["挂失"],
)
REFUND = proto.TicketCategory(
    code="refund",
    name_zh="退款争议",
    name_en="Refund",
    sla_minutes=1440,
    fields=[proto.CustomFieldSpec("amount", "金额（元）", "Amount", proto.CustomFieldType.NUMBER, True)],
    keywords=["退款"],
)


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[SyncBridge]:
    engine = SyncEngine(SyncConfig(hub_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path), MemorySecretStore())
    engine.start()
    bridge = SyncBridge(engine)
    yield bridge
    bridge.close()
    engine.stop()


def test_required_template_fields_block_sending(qtbot: QtBot, bridge: SyncBridge) -> None:
    dialog = TicketEditorDialog(bridge, [CARD_LOSS, REFUND])
    qtbot.addWidget(dialog)
    assert not dialog.save.isEnabled()
    assert len(dialog.missing()) == 4  # subject, customer, card last 4, loss type
    dialog.subject.setText("信用卡丢失")
    dialog.customer_name.setText("张伟")
    last4 = dialog._field_widgets["card_last4"]
    loss = dialog._field_widgets["loss_type"]
    assert isinstance(last4, QLineEdit)
    assert isinstance(loss, QComboBox)
    last4.setText("1234")
    assert not dialog.save.isEnabled()
    loss.setCurrentIndex(loss.findData("临时挂失"))
    assert dialog.missing() == []
    assert dialog.save.isEnabled()
    dialog.customer_phone.setText("12345")
    assert not dialog.save.isEnabled()  # not a phone number
    dialog.customer_phone.setText("138 0013 8000")
    assert dialog.save.isEnabled()
    reissue = dialog._field_widgets["reissue"]
    assert isinstance(reissue, QCheckBox)
    reissue.setChecked(True)
    create = dialog.build_create()
    assert create.custom_fields == {"card_last4": "1234", "loss_type": "临时挂失", "reissue": True}
    assert create.category == "card_loss"


def test_switching_category_rebuilds_the_template(qtbot: QtBot, bridge: SyncBridge) -> None:
    dialog = TicketEditorDialog(bridge, [CARD_LOSS, REFUND])
    qtbot.addWidget(dialog)
    dialog.category.setCurrentIndex(dialog.category.findData("refund"))
    assert set(dialog._field_widgets) == {"amount"}
    amount = dialog._field_widgets["amount"]
    assert isinstance(amount, QLineEdit)
    amount.setText("199")
    dialog.subject.setText("退款未到账")
    dialog.customer_name.setText("周杰")
    assert dialog.save.isEnabled()
    assert dialog.build_create().custom_fields == {"amount": 199}


def test_a_ticket_from_a_call_carries_the_call(qtbot: QtBot, bridge: SyncBridge) -> None:
    started = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    dialog = TicketEditorDialog(
        bridge, [CARD_LOSS], prefill=CallPrefill("call-42", "+8613800138000", started, customer_name="张伟")
    )
    qtbot.addWidget(dialog)
    assert dialog.customer_phone.text() == "+8613800138000"
    dialog.set_call_duration(185)
    assert "03:05" in dialog.call_label.text()
    create = dialog.build_create()
    assert create.linked_call_ids == ["call-42"]
    assert create.initial_note is not None
    assert "03:05" in create.initial_note


def test_edit_sends_only_what_changed(qtbot: QtBot, bridge: SyncBridge) -> None:
    from tests.unit.sync.test_cache_outbox import make_ticket

    ticket = make_ticket(5, custom_fields={"card_last4": "1234", "loss_type": "临时挂失", "reissue": False})
    dialog = TicketEditorDialog(bridge, [CARD_LOSS], ticket=ticket)
    qtbot.addWidget(dialog)
    dialog.subject.setText("信用卡丢失（已补卡）")
    reissue = dialog._field_widgets["reissue"]
    assert isinstance(reissue, QCheckBox)
    reissue.setChecked(True)
    update = dialog.build_update()
    assert update.version == ticket.version
    assert update.subject == "信用卡丢失（已补卡）"
    assert update.custom_fields == {"reissue": True}
    assert update.priority is None
    assert update.status is None
