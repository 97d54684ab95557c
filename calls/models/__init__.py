"""The models of the calls app, one module per part of the process."""
from .applications import (AccessLevel, Application, ApplicationDocument, ApplicationStatus,
                           Invitation, Partner, PartnerRole, StatusChange, SubmittedVersion,
                           document_path)
from .calls import (Call, CallKind, CallQuerySet, Criterion, DocumentRequirement, ReviewScale,
                    Stage, StageKind, StageQuerySet)
from .evaluation import (Assignment, Conflict, ConflictSource, Decision, DecisionLetter,
                         Declaration, ExpertProfile, LetterStatus, Recommendation, Review, ReviewerRole,
                         ReviewStatus, Score)

__all__ = [
    "Assignment", "Conflict", "ConflictSource", "Decision", "DecisionLetter", "Declaration",
    "ExpertProfile",
    "LetterStatus", "Recommendation", "Review", "ReviewerRole", "ReviewStatus", "Score",
    "AccessLevel", "Application", "ApplicationDocument", "ApplicationStatus", "Call", "CallKind",
    "CallQuerySet", "Criterion", "DocumentRequirement", "Invitation", "Partner", "PartnerRole",
    "ReviewScale", "Stage", "StageKind", "StageQuerySet", "StatusChange", "SubmittedVersion",
    "document_path",
]
