"""Users and the demo/test dataset (``agentdesk-hub seed-demo``).

The demo dataset is also what the integration tests run against (``tests/helpers/hub.py``): two teams (a bank's
credit-card line and a telecom broadband line), a supervisor and agents in each, an admin, ticket categories with
templates and keyword rules, compliance phrases, customers with tickets, and knowledge articles. Every demo account's
password is ``DEMO_PASSWORD``. Seeding is idempotent: existing rows (by natural key) are left alone.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.protocol import (
    ClientKind,
    ClosingTemplate,
    CustomFieldSpec,
    CustomFieldType,
    NoteCreate,
    NoteVisibility,
    Role,
    TicketCategory,
    TicketCreate,
    TicketStatus,
    WrapUpMode,
    WrapUpPolicy,
    to_wire,
)
from server.auth import Principal, hash_password
from server.config import HubConfig
from server.db import (
    CompliancePhrase,
    KbArticleRow,
    Team,
    TicketCategoryRow,
    TicketRow,
    User,
    make_engine,
    make_sessionmaker,
    utcnow,
)
from server.kb import KbService
from server.push import EventBus
from server.states import DEFAULT_REASONS
from server.tickets import TicketService

log = logging.getLogger(__name__)

DEMO_PASSWORD = "agentdesk"


@dataclasses.dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    team: str | None


TEAM_CARDS = "信用卡客服一组"
TEAM_BROADBAND = "宽带客服二组"

DEMO_USERS = [
    DemoUser("admin", "系统管理员", Role.ADMIN, None),
    DemoUser("sup.zhang", "张主管", Role.SUPERVISOR, TEAM_CARDS),
    DemoUser("agent.li", "李娜", Role.AGENT, TEAM_CARDS),
    DemoUser("agent.wang", "王强", Role.AGENT, TEAM_CARDS),
    DemoUser("sup.chen", "陈主管", Role.SUPERVISOR, TEAM_BROADBAND),
    DemoUser("agent.zhao", "赵敏", Role.AGENT, TEAM_BROADBAND),
]

TEAM_POLICIES: dict[str, dict[str, Any]] = {
    TEAM_CARDS: {
        "reasons": [to_wire(r) for r in DEFAULT_REASONS],
        "wrap_up": to_wire(
            WrapUpPolicy(WrapUpMode.MANDATORY_TIMED, seconds=30, max_extensions=2, extension_seconds=30)
        ),
        "offline_grace_s": 120,
        "ring_timeout_s": 20,
        "auto_answer_delay_s": None,
    },
    TEAM_BROADBAND: {
        "reasons": [to_wire(r) for r in DEFAULT_REASONS],
        "wrap_up": to_wire(WrapUpPolicy(WrapUpMode.OPTIONAL, seconds=20)),
        "offline_grace_s": 90,
        "ring_timeout_s": 15,
        "auto_answer_delay_s": 2.0,
    },
}

CATEGORIES = [
    TicketCategory(
        code="card_loss",
        name_zh="挂失补卡",
        name_en="Card loss and replacement",
        sla_minutes=240,
        fields=[
            CustomFieldSpec("card_last4", "卡号后四位", "Card last 4 digits", CustomFieldType.TEXT, True, max_length=4),
            CustomFieldSpec(
                "loss_type", "挂失类型", "Loss type", CustomFieldType.CHOICE, True, ["临时挂失", "正式挂失"]
            ),
            CustomFieldSpec("reissue", "是否补卡", "Reissue card", CustomFieldType.BOOL, False),
        ],
        keywords=["挂失", "丢失", "被盗", "补卡", "丢了", "lost card", "stolen"],
        closing_templates=[
            ClosingTemplate(
                "card_loss_done",
                "已挂失",
                "Card blocked",
                "已为您办理挂失，新卡将在7个工作日内寄出。",
                "Your card is blocked; a new card will arrive within 7 working days.",
            )
        ],
    ),
    TicketCategory(
        code="refund",
        name_zh="退款争议",
        name_en="Refund and dispute",
        sla_minutes=1440,
        fields=[
            CustomFieldSpec("amount", "金额（元）", "Amount (CNY)", CustomFieldType.NUMBER, True),
            CustomFieldSpec("merchant", "商户名称", "Merchant", CustomFieldType.TEXT, True, max_length=100),
            CustomFieldSpec("txn_date", "交易日期", "Transaction date", CustomFieldType.DATE, False),
        ],
        keywords=["退款", "退钱", "扣款", "重复扣费", "争议", "拒付", "refund", "chargeback"],
        closing_templates=[
            ClosingTemplate(
                "refund_done",
                "退款完成",
                "Refund completed",
                "退款已原路退回，预计3-5个工作日到账。",
                "The refund goes back to the original account within 3-5 working days.",
            )
        ],
        duplicate_window_days=14,
    ),
    TicketCategory(
        code="bill",
        name_zh="账单查询",
        name_en="Billing enquiry",
        sla_minutes=2880,
        fields=[CustomFieldSpec("bill_month", "账单月份", "Bill month", CustomFieldType.TEXT, False, max_length=7)],
        keywords=["账单", "还款", "分期", "利息", "年费", "bill", "repayment", "interest"],
    ),
    TicketCategory(
        code="broadband_fault",
        name_zh="宽带故障",
        name_en="Broadband fault",
        sla_minutes=480,
        fields=[
            CustomFieldSpec("account_no", "宽带账号", "Broadband account", CustomFieldType.TEXT, True, max_length=32),
            CustomFieldSpec(
                "symptom",
                "故障现象",
                "Symptom",
                CustomFieldType.CHOICE,
                True,
                ["无法上网", "网速慢", "频繁掉线", "其他"],
            ),
            CustomFieldSpec("visit_date", "预约上门日期", "Visit date", CustomFieldType.DATE, False),
        ],
        keywords=["宽带", "断网", "上不了网", "网速", "掉线", "光猫", "路由器", "broadband", "internet"],
        closing_templates=[
            ClosingTemplate(
                "fault_fixed",
                "故障已修复",
                "Fault fixed",
                "您的宽带故障已修复，如有问题请随时联系我们。",
                "Your broadband fault is fixed; call us again if anything is wrong.",
            )
        ],
    ),
    TicketCategory(
        code="complaint",
        name_zh="投诉",
        name_en="Complaint",
        sla_minutes=720,
        fields=[
            CustomFieldSpec("severity", "投诉等级", "Severity", CustomFieldType.CHOICE, True, ["一般", "重要", "紧急"])
        ],
        keywords=["投诉", "不满意", "态度", "举报", "监管", "complaint"],
        duplicate_window_days=30,
    ),
    TicketCategory(
        code="general",
        name_zh="一般咨询",
        name_en="General enquiry",
        sla_minutes=4320,
        fields=[],
        keywords=["咨询", "请问", "怎么", "如何", "question"],
    ),
]

COMPLIANCE_PHRASES = ["保本保收益", "稳赚不赔", "零风险", "保证收益", "绝对安全", "内部消息"]


def _team(db: Session, name: str) -> Team:
    team = db.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, policy=TEAM_POLICIES.get(name, {}))
        db.add(team)
        db.flush()
    return team


def add_user(
    db: Session,
    username: str,
    password: str,
    role: Role,
    team: str | None,
    display_name: str,
    locale: str = "zh_CN",
    password_hash: str | None = None,
) -> User:
    existing = db.scalar(select(User).where(User.username == username))
    if existing is not None:
        return existing
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash or hash_password(password),
        role=role.value,
        team_id=_team(db, team).id if team else None,
        locale=locale,
        active=True,
        failed_logins=0,
    )
    db.add(user)
    db.flush()
    return user


def create_user(
    config: HubConfig, username: str, password: str, role: Role, team: str | None, display_name: str, locale: str
) -> int:
    engine = make_engine(config.database_url)
    try:
        with make_sessionmaker(engine)() as db:
            if db.scalar(select(User).where(User.username == username)) is not None:
                raise ValueError(f"user {username!r} exists already")
            if role is not Role.ADMIN and team is None:
                raise ValueError("agents and supervisors need --team")
            user = add_user(db, username, password, role, team, display_name, locale)
            db.commit()
            return user.id
    finally:
        engine.dispose()


def seed_base(db: Session) -> None:
    """Teams, users, categories and compliance phrases."""
    for name in TEAM_POLICIES:
        _team(db, name)
    shared_hash = hash_password(DEMO_PASSWORD)  # one hash for all demo users: seeding stays fast
    for u in DEMO_USERS:
        add_user(db, u.username, DEMO_PASSWORD, u.role, u.team, u.display_name, password_hash=shared_hash)
    for cat in CATEGORIES:
        if db.get(TicketCategoryRow, cat.code) is None:
            db.add(TicketCategoryRow(code=cat.code, spec=to_wire(cat), active=True))
    for phrase in COMPLIANCE_PHRASES:
        if db.scalar(select(CompliancePhrase).where(CompliancePhrase.phrase == phrase)) is None:
            db.add(CompliancePhrase(phrase=phrase))
    db.flush()


def seed_demo(config: HubConfig) -> str:
    engine = make_engine(config.database_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions() as db:
            seed_base(db)
            db.commit()
            extra = seed_content(db, EventBus(engine, sessions, "seed-demo"))
            db.commit()
    finally:
        engine.dispose()
    return (
        f"demo data loaded: {len(DEMO_USERS)} users (password {DEMO_PASSWORD!r}), {len(CATEGORIES)} categories{extra}"
    )


def seed_content(db: Session, bus: EventBus) -> str:
    """Customers' tickets and knowledge articles from ``server.demo_content`` (the demo's content, maintained with
    the ticket and knowledge panels), only into empty tables."""
    try:
        content = importlib.import_module("server.demo_content")
    except ModuleNotFoundError:
        log.info("server.demo_content is not installed: no demo tickets or articles")
        return ""
    summary = ""
    if db.scalar(select(func.count()).select_from(KbArticleRow)) == 0:
        service = KbService(bus)
        articles = content.demo_articles()
        for write, updated in articles:
            art = service.upsert(db, write)
            art_row = db.get(KbArticleRow, art.id)
            assert art_row is not None
            art_row.updated_at = updated
        summary += f", {len(articles)} articles"
    if db.scalar(select(func.count()).select_from(TicketRow)) == 0:
        tickets = TicketService(bus)
        users = {u.username: u for u in db.scalars(select(User))}
        teams = {"cards": TEAM_CARDS, "broadband": TEAM_BROADBAND}
        count = 0
        now = utcnow()
        for demo in content.demo_tickets():
            team = db.scalar(select(Team).where(Team.name == teams[demo.customer.team]))
            assert team is not None
            creator = next(u for u in users.values() if u.team_id == team.id and u.role == Role.SUPERVISOR.value)
            me = _principal(creator)
            assignee = users.get(demo.assignee) if demo.assignee else None
            ticket = tickets.create(
                db,
                me,
                TicketCreate(
                    subject=demo.subject,
                    customer_name=demo.customer.name,
                    category=demo.category,
                    description=demo.description,
                    customer_phone=demo.customer.phone,
                    priority=demo.priority,
                    assignee_id=assignee.id if assignee else None,
                    custom_fields=dict(demo.custom_fields),
                ),
            )
            for body, visible in demo.notes:
                tickets.add_note(
                    db, me, ticket.id, NoteCreate(body, NoteVisibility.CUSTOMER if visible else NoteVisibility.INTERNAL)
                )
            row = db.get(TicketRow, ticket.id)
            assert row is not None
            created = now - demo.age
            cat = tickets.category(db, row.category)
            row.created_at = created
            row.updated_at = max(created, now - demo.age / 2)
            row.sla_due = tickets.sla_due(cat, demo.priority, created)
            row.status = demo.status.value
            if demo.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
                row.resolved_at = row.updated_at
            if demo.status is TicketStatus.CLOSED:
                row.closed_at = row.updated_at
            count += 1
        summary += f", {count} tickets"
    return summary


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        team_id=user.team_id,
        session_id="seed",
        client_kind=ClientKind.SERVICE,
    )
