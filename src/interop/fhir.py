"""A plan as a FHIR R4 `Bundle` (type `collection`), built with the R4B models.

Pure mapping: a plan aggregate (as of some version) and its history (timeline
items, oldest first, up to that version) in; validated `fhir.resources.R4B`
resources out. No I/O, no clock: every date comes from the plan or its
history, so the same version always gives the same Bundle.

Identity and references:
- CarePlan id = plan id, Goal id = goal id, Observation id = score id;
  Condition, Flag and Provenance ids are uuid5 of the plan id and what they
  stand for (diagnosis code, score id, version), so ids are stable across
  versions and exports.
- References are relative (`Goal/<id>`, `CarePlan/<id>/_history/<v>`) and
  every entry's `fullUrl` is `<base>/<Type>/<id>`, so each reference resolves
  to an entry of the same Bundle (FHIR's rule for relative references).
- `meta.versionId` / `meta.lastUpdated` are the plan version that last changed
  the resource and that version's recording time (the CarePlan's are the
  plan's version; a Provenance never changes, so its versionId is 1).
- No Patient: the service holds no demographics, so every subject is a
  logical reference by identifier (system `urn:plans:clinic:<clinic>:client`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from typing import Any
from uuid import UUID, uuid5

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.goal import Goal, GoalTarget
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.signature import Signature

from domain.documents import plan_document
from domain.instruments import INSTRUMENTS, Instrument
from domain.plan import Plan

ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
USER_SYSTEM = "urn:plans:user"
SIGNATURE_TYPES = "urn:iso-astm:E1762-95:2013"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
# A nominal RESTful base for fullUrls (the API uses its own address + /fhir);
# relative references resolve against it to entries of the same Bundle.
DEFAULT_BASE = "https://plans.invalid/fhir"

# The plan's lifecycle in CarePlan.status.
CAREPLAN_STATUS = {"draft": "draft", "active": "active", "closed": "completed"}
# A goal's status as (Goal.lifecycleStatus, Goal.achievementStatus); None as the
# achievement of a goal still pursued means "derive it from the latest score".
GOAL_STATUS: dict[str, tuple[str, str | None]] = {
    "active": ("active", None),
    "on-hold": ("on-hold", None),
    "not-achieved": ("active", "not-achieved"),
    "achieved": ("completed", "achieved"),
    "cancelled": ("cancelled", None),
}
CANCELLED_NO_ACHIEVEMENT = "cancelled"
# The signer's role in the plan as an ISO/ASTM E1762 signature type.
SIGNATURE_TYPE = {
    "clinician": ("1.2.840.10065.1.12.1.1", "Author's Signature"),
    "supervisor": ("1.2.840.10065.1.12.1.5", "Verification Signature"),
    "client": ("1.2.840.10065.1.12.1.7", "Consent Signature"),
}
INTERVENTION_STATUS = {"active": "in-progress", "discontinued": "stopped"}


def score_is_current(score: dict[str, Any]) -> bool:
    """False for a score entered in error: it leaves the export (FHIR's entered-in-error).

    Reads either marker a correction may leave on the plan's score dict.
    """
    return not score.get("entered_in_error") and score.get("status") != "entered-in-error"


@dataclass
class _Changes:
    """The last version that changed each resource, from the history."""

    by_key: dict[str, int] = field(default_factory=dict)
    recorded_at: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, history: Iterable[dict[str, Any]]) -> _Changes:
        changes = cls()
        for item in history:
            version, data = item["version"], item.get("data") or {}
            changes.recorded_at[version] = item["recorded_at"]
            for key in _keys_changed(item["type"], data):
                changes.by_key[key] = version
        return changes

    def version(self, key: str, fallback: int) -> int:
        return self.by_key.get(key, fallback)

    def meta_key(self, key: str, fallback: int) -> tuple[str, str | None]:
        return self.key_at(self.version(key, fallback))

    def key_at(self, version: int) -> tuple[str, str | None]:
        """(meta.versionId, meta.lastUpdated) of a resource last changed at `version`."""
        return str(version), self.recorded_at.get(version)


def _keys_changed(kind: str, data: dict[str, Any]) -> Iterator[str]:
    if kind == "PlanCreated":
        for diagnosis in data.get("diagnoses") or []:
            yield f"Condition:{diagnosis['code']}"
    elif kind in ("DiagnosisAdded", "DiagnosisRemoved"):
        yield f"Condition:{data['code']}"
    elif data.get("goal_id") and kind != "ScoreRecorded":
        yield f"Goal:{data['goal_id']}"
    if data.get("score_id"):
        yield f"Observation:{data['score_id']}"
    if kind == "PlanClosed":
        yield "Plan:closed"


@lru_cache(maxsize=65_536)
def _stable_id(plan_id: UUID, name: str) -> str:
    """The id of a resource the plan has no id for: uuid5 of the plan id and its name."""
    return str(uuid5(plan_id, name))


def _ref(kind: str, resource_id: str) -> Reference:
    return Reference(reference=f"{kind}/{resource_id}")


def _user(user: str) -> Reference:
    return Reference(identifier=Identifier(system=USER_SYSTEM, value=user), display=user)


def _concept(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


@dataclass(frozen=True)
class Part:
    """One resource of the Bundle, not yet built: `inputs` is everything `build`
    reads, so two parts with equal inputs build equal resources (a cache key)."""

    kind: str
    id: str
    inputs: tuple[Any, ...] | None  # None: always built afresh
    build: Callable[[], Resource]


class _PlanMapper:
    def __init__(self, plan: Plan, history: list[dict[str, Any]]) -> None:
        self.plan = plan
        self.id = str(plan.id)
        self.doc = plan_document(plan)
        self.history = [item for item in history if item["version"] <= plan.version]
        self.changes = _Changes.of(self.history)
        self.subject_key = (f"urn:plans:clinic:{plan.clinic}:client", plan.client_id)
        self.scores = [s for s in plan.scores if score_is_current(s)]
        self.closed_version = self.changes.version("Plan:closed", 0)

    def uuid(self, *parts: object) -> str:
        return _stable_id(self.plan.id, ":".join(str(p) for p in parts))

    def subject(self) -> Reference:
        system, value = self.subject_key
        return Reference(identifier=Identifier(system=system, value=value))

    def parts(self) -> list[Part]:
        """Every resource of the plan as of its version, in Bundle order."""
        doc = self.doc
        condition_ids = [self.uuid("Condition", d["code"]) for d in doc["diagnoses"]]
        goal_ids = [g["id"] for g in doc["goals"]]
        parts = [Part("CarePlan", self.id, None, lambda: self.care_plan(condition_ids, goal_ids))]
        for d, condition_id in zip(doc["diagnoses"], condition_ids, strict=True):
            meta = self.changes.meta_key(f"Condition:{d['code']}", 1)
            parts.append(
                Part(
                    "Condition",
                    condition_id,
                    ("Condition", self.id, self.subject_key, d, meta),
                    partial(self.condition, condition_id, d, meta),
                )
            )
        for goal in doc["goals"]:
            related, outcomes, meta = self.goal_outcomes(goal)
            parts.append(
                Part(
                    "Goal",
                    goal["id"],
                    ("Goal", self.id, self.subject_key, goal, outcomes, meta),
                    partial(self.goal, goal, outcomes, meta),
                )
            )
        for score in self.scores:
            meta = self.changes.meta_key(f"Observation:{score['id']}", self.plan.version)
            parts.append(
                Part(
                    "Observation",
                    score["id"],
                    ("Observation", self.id, self.subject_key, score, meta),
                    partial(self.observation, score, meta),
                )
            )
        for score, status in self.flagged_scores():
            version = self.changes.version(f"Observation:{score['id']}", self.plan.version)
            if self.plan.status == "closed":
                version = max(version, self.closed_version)
            meta = self.changes.key_at(version)
            flag_id = self.uuid("Flag", score["id"])
            parts.append(
                Part(
                    "Flag",
                    flag_id,
                    ("Flag", self.id, self.subject_key, score, status, meta),
                    partial(self.flag, flag_id, score, status, meta),
                )
            )
        for item in self.history:
            provenance_id = self.uuid("Provenance", item["version"])
            parts.append(
                Part(
                    "Provenance",
                    provenance_id,
                    ("Provenance", self.id, self.subject_key, item),
                    partial(self.provenance, provenance_id, item),
                )
            )
        return parts

    def flagged_scores(self) -> list[tuple[dict[str, Any], str]]:
        """(score, Flag.status) for each current score that raised a safety flag.

        A flag is `active` while the plan is open; when the plan keeps flags
        with a follow-up of their own (`plan.safety_flags`, each with
        `score_id` and `status` open / acknowledged), an acknowledged one is
        `inactive`. Every change to a flag's state names its score, so the
        Flag's meta follows its score's (and the closing version's).
        """
        closed = self.plan.status == "closed"
        flags = getattr(self.plan, "safety_flags", None)
        if isinstance(flags, dict):
            by_score = {s["id"]: s for s in self.scores}
            return [
                (
                    by_score[f["score_id"]],
                    "active" if f["status"] == "open" and not closed else "inactive",
                )
                for f in flags.values()
                if f.get("score_id") in by_score
            ]
        status = "inactive" if closed else "active"
        return [(s, status) for s in self.scores if s.get("safety_flag")]

    # ---------------------------------------------------------------- resources
    def care_plan(self, condition_ids: list[str], goal_ids: list[str]) -> CarePlan:
        doc = self.doc
        return CarePlan(
            id=self.id,
            meta=Meta(
                versionId=str(self.plan.version),
                lastUpdated=self.changes.recorded_at.get(self.plan.version, doc["updated_at"]),
            ),
            identifier=[Identifier(system="urn:plans:plan", value=self.id)],
            status=CAREPLAN_STATUS[self.plan.status],
            intent="plan",
            category=[
                _concept(CAREPLAN_CATEGORY, "assess-plan", "Assessment and Plan of Treatment")
            ],
            subject=self.subject(),
            period=Period(start=doc["start_date"], end=doc["closed_on"]),
            created=doc["created_at"],
            author=_user(self.plan.clinician),
            addresses=[_ref("Condition", i) for i in condition_ids] or None,
            goal=[_ref("Goal", i) for i in goal_ids] or None,
            activity=[self.activity(i) for i in doc["interventions"]] or None,
        )

    def activity(self, intervention: dict[str, Any]) -> CarePlanActivity:
        return CarePlanActivity(
            detail=CarePlanActivityDetail(
                kind="ServiceRequest",
                code=CodeableConcept(text=intervention["modality"]),
                status=INTERVENTION_STATUS.get(intervention["status"], "unknown"),
                goal=[_ref("Goal", g) for g in intervention.get("goal_ids") or []] or None,
            )
        )

    def condition(
        self, condition_id: str, diagnosis: dict[str, Any], meta: tuple[str, str | None]
    ) -> Condition:
        return Condition(
            id=condition_id,
            meta=_meta(meta),
            clinicalStatus=_concept(CONDITION_CLINICAL, "active"),
            verificationStatus=_concept(CONDITION_VERIFICATION, "confirmed"),
            category=[_concept(CONDITION_CATEGORY, "problem-list-item")],
            code=CodeableConcept(
                coding=[Coding(system=ICD10_CM, code=diagnosis["code"])],
                text=diagnosis.get("description"),
            ),
            subject=self.subject(),
        )

    def goal_outcomes(
        self, goal: dict[str, Any]
    ) -> tuple[list[str], list[str], tuple[str, str | None]]:
        """The goal's scores (linked, or unlinked of its instrument, as in its progress),
        those still current (its outcomes), and its meta: recording or correcting one
        of its scores changes the goal."""
        code = goal["measure"]["instrument"]
        related = [
            s["id"]
            for s in self.plan.scores
            if s["instrument"] == code and s.get("goal_id") in (None, goal["id"])
        ]
        current = {s["id"] for s in self.scores}
        version = max(
            [
                self.changes.version(f"Goal:{goal['id']}", self.plan.version),
                *(self.changes.version(f"Observation:{i}", 0) for i in related),
            ]
        )
        return related, [i for i in related if i in current], self.changes.key_at(version)

    def goal(self, goal: dict[str, Any], outcomes: list[str], meta: tuple[str, str | None]) -> Goal:
        measure = goal["measure"]
        inst = INSTRUMENTS[measure["instrument"]]
        lifecycle, achievement = GOAL_STATUS[goal["status"]]
        if achievement is None and lifecycle != CANCELLED_NO_ACHIEVEMENT:
            achievement = _trend(goal.get("progress"), measure["baseline"], inst.lower_is_better)
        return Goal(
            id=goal["id"],
            meta=_meta(meta),
            lifecycleStatus=lifecycle,
            achievementStatus=_concept(GOAL_ACHIEVEMENT, achievement) if achievement else None,
            description=CodeableConcept(text=goal["statement"]),
            subject=self.subject(),
            target=[
                GoalTarget(
                    measure=CodeableConcept(coding=[_coding(inst)], text=inst.name),
                    detailQuantity=Quantity(
                        comparator="<=" if inst.lower_is_better else ">=",
                        value=measure["target"],
                        unit="{score}",
                        system=UCUM,
                        code="{score}",
                    ),
                    dueDate=goal["target_date"],
                )
            ],
            outcomeReference=[_ref("Observation", i) for i in outcomes] or None,
        )

    def observation(self, score: dict[str, Any], meta: tuple[str, str | None]) -> Observation:
        inst = INSTRUMENTS[score["instrument"]]
        return Observation(
            id=score["id"],
            meta=_meta(meta),
            status="final",
            category=[_concept(OBSERVATION_CATEGORY, "survey", "Survey")],
            code=CodeableConcept(coding=[_coding(inst)], text=inst.name),
            subject=self.subject(),
            basedOn=[_ref("CarePlan", self.id)],
            effectiveDateTime=_iso(score["administered_on"]),
            valueInteger=score["score"],
            interpretation=[CodeableConcept(text=score["severity"])],
        )

    def flag(
        self, flag_id: str, score: dict[str, Any], status: str, meta: tuple[str, str | None]
    ) -> Flag:
        """A safety flag (PHQ-9 item 9 above 0) as a clinical Flag, active while open."""
        return Flag(
            id=flag_id,
            meta=_meta(meta),
            status=status,
            category=[_concept(FLAG_CATEGORY, "clinical", "Clinical")],
            code=CodeableConcept(
                text=f"Safety concern: {score['instrument']} self-harm item answered above 0"
            ),
            subject=self.subject(),
            period=Period(start=_iso(score["administered_on"])),
        )

    def provenance(self, provenance_id: str, item: dict[str, Any]) -> Provenance:
        version, data = item["version"], item.get("data") or {}
        targets = [Reference(reference=f"CarePlan/{self.id}/_history/{version}")]
        signatures = None
        if item["type"] == "PlanSigned":
            signed = data.get("signed_version")
            if signed and signed != version:
                targets.append(Reference(reference=f"CarePlan/{self.id}/_history/{signed}"))
            signatures = [self.signature(item, data)]
        return Provenance(
            id=provenance_id,
            meta=Meta(versionId="1", lastUpdated=item["recorded_at"]),
            target=targets,
            recorded=item["recorded_at"],
            activity=CodeableConcept(
                coding=[Coding(system=DATA_OPERATION, code="CREATE" if version == 1 else "UPDATE")],
                text=item["type"],
            ),
            reason=[CodeableConcept(text=item["reason"])] if item.get("reason") else None,
            agent=[
                ProvenanceAgent(
                    type=_concept(PARTICIPANT_TYPE, "author", "Author"),
                    role=[CodeableConcept(text=item["role"])] if item.get("role") else None,
                    who=_user(item["actor"]),
                )
            ],
            signature=signatures,
        )

    def signature(self, item: dict[str, Any], data: dict[str, Any]) -> Signature:
        role = data.get("signer_role") or "clinician"
        code, display = SIGNATURE_TYPE.get(role, SIGNATURE_TYPE["clinician"])
        if role == "client":
            system, value = self.subject_key
            who = Reference(
                identifier=Identifier(system=system, value=value),
                display=data.get("signer_name"),
            )
        else:
            who = Reference(
                identifier=Identifier(system=USER_SYSTEM, value=item["actor"]),
                display=data.get("signer_name") or item["actor"],
            )
        return Signature(
            type=[Coding(system=SIGNATURE_TYPES, code=code, display=display)],
            when=item["recorded_at"],
            who=who,
        )


def _meta(key: tuple[str, str | None]) -> Meta:
    version, last_updated = key
    return Meta(versionId=version, lastUpdated=_iso(last_updated))


def _iso(value: date | str | None) -> Any:
    """A FHIR date, dateTime or instant as text. The models' annotations say
    `datetime`, but they take (and FHIR allows) a date or an offset-bearing text."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _coding(inst: Instrument) -> Coding:
    coding = inst.coding()
    return Coding(system=coding["system"], code=coding["code"])


def _trend(progress: dict[str, Any] | None, baseline: int, lower_is_better: bool) -> str:
    """Achievement of a goal still pursued: how the latest score compares with baseline."""
    if not progress:
        return "in-progress"
    if progress["met"]:
        return "achieved"
    latest = progress["latest"]
    if latest == baseline:
        return "no-change"
    better = latest < baseline if lower_is_better else latest > baseline
    return "improving" if better else "worsening"


def plan_parts(plan: Plan, history: list[dict[str, Any]]) -> list[Part]:
    """The plan's resources, unbuilt, in Bundle order.

    `history` holds the plan's timeline items (version, type, recorded_at,
    actor, role, reason, data), oldest first; versions after the plan's are
    ignored, so the full history may be passed for any earlier version.
    """
    return _PlanMapper(plan, history).parts()


def plan_resources(plan: Plan, history: list[dict[str, Any]]) -> list[Resource]:
    """Every resource of the plan as of its version, built (validated), in Bundle order."""
    return [part.build() for part in plan_parts(plan, history)]


def bundle_envelope(
    plan: Plan, last_updated: Any, entry: list[BundleEntry] | None = None
) -> Bundle:
    """The Bundle around the plan's resources (with `entry`, or none)."""
    return Bundle(
        id=str(uuid5(plan.id, f"Bundle:{plan.version}")),
        meta=Meta(versionId=str(plan.version), lastUpdated=last_updated),
        type="collection",
        timestamp=last_updated,
        entry=entry,
    )


def full_url(base: str, kind: str, resource_id: str) -> str:
    return f"{base.rstrip('/')}/{kind}/{resource_id}"


def plan_bundle(plan: Plan, history: list[dict[str, Any]], base: str = DEFAULT_BASE) -> Bundle:
    """The plan as a FHIR `Bundle` of type `collection` (see the module docstring)."""
    resources = plan_resources(plan, history)
    entries = [
        BundleEntry(fullUrl=full_url(base, r.get_resource_type(), str(r.id)), resource=r)
        for r in resources
    ]
    care_plan_meta = resources[0].meta
    last_updated = care_plan_meta.lastUpdated if care_plan_meta else None
    return bundle_envelope(plan, last_updated, entries)
