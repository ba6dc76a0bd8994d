"""Members (会员): lookup at the counter, lists, tags, coupons and registration."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from store.errors import Conflict, InvalidInput, NotFound
from store.masking import mask_phone
from store.models import Coupon, Member, MemberTag, Store

LEVELS = {"regular": "普通会员", "silver": "银卡", "gold": "金卡"}
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MEMBER_ID = re.compile(r"^M\d+$")


def normalise_phone(phone: str) -> str:
    """Digits of a mainland mobile number without spaces, dashes or a +86/0086 prefix."""
    compact = re.sub(r"[\s\-()（）]+", "", phone)
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix):]
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    return compact


def get_member(session: Session, *, member_id: str, store_id: str | None = None) -> Member | None:
    """The member with this id, or ``None``.

    Args:
        member_id: e.g. ``M0001``; case-insensitive.
        store_id: when given, only a member whose home store is this one.
    """
    member = session.get(Member, member_id.strip().upper())
    if member is None or (store_id is not None and member.store_id != store_id):
        return None
    return member


def find_member(session: Session, *, query: str, store_id: str | None = None) -> list[Member]:
    """Members matching what a clerk typed: member id, card code, phone, or the phone's last 4.

    Member id (``M0001``), card code and full phone (11 digits, spaces or +86 allowed) match
    across the chain, because members shop in any store. The last 4 digits of a phone are only
    searched within ``store_id`` (without it they are tried as a card code only) and may match
    several members.

    Args:
        query: the text typed, e.g. ``M0001``, ``80001``, ``138 0000 0001`` or ``0001``.
        store_id: the counter's store, for last-4 lookups.

    Returns:
        Matching members ordered by id; empty when nothing matches.
    """
    text = query.strip()
    if not text:
        raise InvalidInput("请输入会员号、手机号或手机尾号", "member query is empty")
    conditions = [Member.code == text]
    if _MEMBER_ID.match(text.upper()):
        conditions.append(Member.id == text.upper())
    digits = normalise_phone(text)
    if digits.isdigit():
        if len(digits) == 11:
            conditions.append(Member.phone == digits)
        elif len(digits) == 4 and store_id is not None:
            conditions.append(
                (Member.store_id == store_id) & Member.phone.endswith(digits, autoescape=True)
            )
    return list(session.scalars(select(Member).where(or_(*conditions)).order_by(Member.id)))


def list_members(
    session: Session,
    *,
    store_id: str | None = None,
    level: str | None = None,
    tag: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Member]:
    """Members filtered by home store, level and tag, ordered by id.

    Args:
        store_id: home store, e.g. ``S001``; ``None`` for the chain.
        level: ``regular``, ``silver`` or ``gold``.
        tag: a manual or derived tag, e.g. ``有孩家庭``.
        limit: at most this many members.
        offset: skip this many first (paging).
    """
    stmt = select(Member).order_by(Member.id).limit(limit).offset(offset)
    if store_id is not None:
        stmt = stmt.where(Member.store_id == store_id)
    if level is not None:
        stmt = stmt.where(Member.level == level)
    if tag is not None:
        tagged = select(MemberTag.member_id).where(MemberTag.tag == tag)
        stmt = stmt.where(Member.id.in_(tagged))
    return list(session.scalars(stmt))


def member_tags(session: Session, *, member_id: str) -> list[MemberTag]:
    """The member's tags, manual ones first, then by tag."""
    stmt = (
        select(MemberTag)
        .where(MemberTag.member_id == member_id)
        .order_by(MemberTag.source.desc(), MemberTag.tag)  # "manual" > "derived"
    )
    return list(session.scalars(stmt))


def _require_member(session: Session, member_id: str) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"未找到会员 {member_id}", f"member {member_id} not found")
    return member


def _clean_tag(tag: str) -> str:
    clean = tag.strip()
    if not clean or len(clean) > 32:
        raise InvalidInput("标签需为 1–32 个字", f"tag must be 1-32 characters: {tag!r}")
    return clean


def set_member_tag(
    session: Session, *, member_id: str, tag: str, evidence: str | None = None
) -> MemberTag:
    """Add a manual tag (staff-set); an existing derived tag becomes manual. Flushes only."""
    _require_member(session, member_id)
    clean = _clean_tag(tag)
    row = session.get(MemberTag, (member_id, clean))
    if row is None:
        row = MemberTag(member_id=member_id, tag=clean)
        session.add(row)
    row.source = "manual"
    if evidence is not None:
        row.evidence = evidence
    session.flush()
    return row


def set_member_tags(session: Session, *, member_id: str, tags: Iterable[str]) -> list[MemberTag]:
    """Make the member's manual tags exactly ``tags``; derived tags are left alone. Flushes only.

    A tag in ``tags`` that exists as derived is turned into a manual one.

    Returns:
        All the member's tags afterwards, as :func:`member_tags` orders them.
    """
    _require_member(session, member_id)
    wanted = {_clean_tag(t) for t in tags}
    stale = (MemberTag.member_id == member_id) & (MemberTag.source == "manual")
    if wanted:
        stale = stale & MemberTag.tag.not_in(wanted)
    session.execute(delete(MemberTag).where(stale))
    for tag in sorted(wanted):
        set_member_tag(session, member_id=member_id, tag=tag)
    return member_tags(session, member_id=member_id)


def list_coupons(
    session: Session, *, member_id: str, status: str | None = None, as_of: date | None = None
) -> list[Coupon]:
    """The member's coupons, soonest to lapse first.

    With ``as_of``, status follows the calendar: ``unused`` means usable that day (not used,
    ``valid_from <= as_of <= valid_to``) and ``expired`` includes unused coupons past
    ``valid_to`` even if no job has marked them yet.

    Args:
        member_id: e.g. ``M0001``.
        status: ``unused``, ``used`` or ``expired``; ``None`` for all.
        as_of: the day that decides usability and lapse.
    """
    stmt = select(Coupon).where(Coupon.member_id == member_id).order_by(Coupon.valid_to, Coupon.id)
    if status == "unused" and as_of is not None:
        stmt = stmt.where(
            Coupon.status == "unused", Coupon.valid_from <= as_of, Coupon.valid_to >= as_of
        )
    elif status == "expired" and as_of is not None:
        stmt = stmt.where(
            or_(Coupon.status == "expired", (Coupon.status == "unused") & (Coupon.valid_to < as_of))
        )
    elif status is not None:
        stmt = stmt.where(Coupon.status == status)
    return list(session.scalars(stmt))


def _next_member_id(session: Session) -> tuple[str, int]:
    """The next ``M`` number after the highest existing one (ids are ``M`` + zero-padded digits)."""
    last = session.scalar(
        select(Member.id)
        .where(Member.id.like("M%"))
        .order_by(func.length(Member.id).desc(), Member.id.desc())
        .limit(1)
    )
    number = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
    return f"M{number:04d}", number


def register_member(
    session: Session,
    *,
    name: str,
    phone: str,
    store_id: str,
    registered_at: datetime,
    nickname: str | None = None,
    gender: str | None = None,
    birth_date: date | None = None,
    consent_marketing: bool = True,
    consent_sms: bool = False,
) -> Member:
    """Register a new regular member at a store; flushes, does not commit.

    The id is the next ``M`` number and the card code ``8`` + five digits of it.

    Args:
        name: full name, 1–32 characters.
        phone: a mainland mobile number (11 digits; spaces and +86 allowed).
        store_id: home store, e.g. ``S001``.
        registered_at: when they signed up.
        nickname: how the store calls them, e.g. ``李阿姨``.
        gender: ``F`` or ``M``.
        birth_date: for the gold-member birthday gift.
        consent_marketing: may receive marketing messages.
        consent_sms: may receive SMS.

    Raises:
        InvalidInput: bad name, phone or gender.
        Conflict: the phone number is already registered.
    """
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 32:
        raise InvalidInput("请填写 1–32 个字的姓名", "name must be 1-32 characters")
    number = normalise_phone(phone)
    if not _MOBILE.match(number):
        raise InvalidInput("手机号格式不正确，请输入 11 位手机号", "not a mainland mobile number")
    if gender not in (None, "F", "M"):
        raise InvalidInput("性别只能是 F 或 M", f"gender must be F or M, got {gender!r}")
    if session.get(Store, store_id) is None:
        raise NotFound(f"未找到门店 {store_id}", f"store {store_id} not found")
    if session.scalar(select(Member.id).where(Member.phone == number)) is not None:
        raise Conflict(
            f"手机号 {mask_phone(number)} 已注册会员，请直接查询该会员",
            f"phone {mask_phone(number)} is already registered",
        )
    member_id, n = _next_member_id(session)
    code = f"8{n:05d}"
    while session.scalar(select(Member.id).where(Member.code == code)) is not None:
        n += 1
        code = f"8{n:05d}"
    member = Member(
        id=member_id, code=code, name=clean_name, nickname=nickname, gender=gender,
        birth_date=birth_date, phone=number, store_id=store_id, registered_at=registered_at,
        level="regular", consent_marketing=consent_marketing, consent_sms=consent_sms,
    )
    session.add(member)
    session.flush()
    return member
