"""The synthetic data's word pools and weights: names, topics, quotes, headlines, and how often each
stance and outcome is drawn."""

from meetings.models import ParticipantKind
from positions.models import Outcome, Stance

SYLLABLES = [
    "al", "an", "ar", "ba", "bel", "bor", "ca", "dar", "del", "do", "el", "en", "fa", "gar", "ha", "is", "ka",
    "kel", "la", "lor", "ma", "mir", "na", "nor", "o", "pa", "ra", "ren", "sa", "sol", "ta", "tor", "u", "va",
    "vel", "za", "zen"
]  # fmt: skip
COUNTRY_ENDINGS = ["ia", "a", "land", "istan", "ora", "ene", "", "ia", "a"]
COUNTRY_FORMS = [
    ("{}", 50),
    ("Republic of {}", 25),
    ("Kingdom of {}", 7),
    ("Federal Republic of {}", 5),
    ("Democratic Republic of {}", 5),
    ("United Republic of {}", 4),
    ("{} Islands", 4),
]
CITY_FORMS = ["{}", "{}", "{}ville", "{}burg", "Port {}", "{}abad", "{} City", "{}polis"]
REGIONAL_FORMS = ["{} Economic Community", "Union of {} States", "{} Customs Union", "{} Development Community"]
OBSERVER_FORMS = {
    ParticipantKind.CIVIL_SOCIETY_OBSERVER: [
        "{} Diamond Workers' Coalition",
        "{} Mining Watch",
        "Coalition for Fair Stones in {}",
        "{} Human Rights Network",
    ],
    ParticipantKind.INDUSTRY_OBSERVER: [
        "{} Diamond Council",
        "{} Diamond Bourse",
        "{} Jewellers' Association",
        "{} Rough Traders' Federation",
    ],
    ParticipantKind.OTHER: ["{} Institute for Mineral Policy", "{} Mining Research Centre"],
}
FIRST_NAMES = [
    "Amara", "Bilal", "Chen", "Dario", "Elena", "Farid", "Grace", "Hana", "Ivan", "Jonas", "Kemi", "Lina", "Mateo",
    "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir", "Tomas", "Uma", "Viktor", "Wanjiru", "Xavier", "Yara",
    "Zane", "Aiko", "Bruno", "Chiara", "Dmitri", "Esi", "Felipe"
]  # fmt: skip
ROLES = ["Head of delegation", "Delegate", "Minister of Mines", "Deputy Minister", "Ambassador", "Representative"]
OBSERVER_ROLES = ["Coordinator", "Director", "Representative", "Spokesperson"]
OUTLETS = [
    "Diamond Ledger",
    "Rough Trade Weekly",
    "Global Mining Wire",
    "The Carat Report",
    "Continental Press Agency",
    "Gemstone Observer",
    "Mining Policy Review",
    "Northern Tribune",
    "Southern Courier",
    "Civil Society Bulletin",
]
TOPICS = [
    "Definition of conflict diamonds",
    "Peer review visits",
    "Annual statistics reporting",
    "Artisanal and small-scale mining",
    "Permanent secretariat",
    "Traceability of rough diamonds",
    "Chain of warranties",
    "Human rights language",
    "Certificate fraud",
    "Observer funding",
    "Monitoring of suspended participants",
    "Administrative decisions review",
    "Rotation of the chair",
    "Working group mandates",
    "Valuation methodology",
    "Customs cooperation",
    "Laboratory-grown diamonds",
    "Border controls",
    "Participation criteria",
    "Cooperation with the United Nations",
    "Enforcement of minimum requirements",
    "Digital certificates",
    "Diamond footprint data",
    "Smuggling routes",
    "Responsible sourcing guidance",
    "Reform cycle",
    "Budget and contributions",
    "Communications policy",
    "Technical assistance",
    "Civil society participation",
    "Industry self-regulation",
    "Alluvial production monitoring",
    "Exploration licences",
    "Review of the core document",
    "Expert mission reports",
    "Voluntary sanctions",
    "Regional approach",
    "Gender and mining",
    "Environmental standards",
    "Trade statistics publication",
]
TOPIC_QUALIFIERS = ["implementation", "review", "working group", "reform proposal", "funding"]

OPENINGS_STATED = {
    Stance.SUPPORTS: [
        "We support the proposal on {issue}.",
        "Our delegation welcomes the text on {issue} and is ready to join consensus.",
        "We fully endorse the working group's recommendation on {issue}.",
        "This delegation supports moving forward on {issue} today.",
    ],
    Stance.OPPOSES: [
        "We cannot support the current text on {issue}.",
        "Our delegation has serious reservations about {issue}.",
        "We oppose reopening {issue} at this meeting.",
        "The proposal on {issue} goes beyond the mandate of the Kimberley Process.",
    ],
    Stance.BLOCKS: [
        "We will not join consensus on {issue}.",
        "This delegation objects to any decision on {issue} at this meeting.",
        "We cannot allow the text on {issue} to be adopted in this form.",
        "There is no consensus on {issue}, and we will not pretend that there is.",
    ],
    Stance.ABSTAINS: [
        "We will not stand in the way on {issue}, but we do not associate ourselves with it.",
        "Our delegation reserves its position on {issue}.",
        "We abstain on {issue} until our capital has reviewed the text.",
    ],
    Stance.NEUTRAL: [
        "We take note of the discussion on {issue}.",
        "We are open to further consultations on {issue}.",
        "Our delegation has no instructions yet on {issue}.",
    ],
    Stance.PROTESTS: [
        "We are leaving the room in protest at how {issue} has been handled.",
        "Our delegation will not take part in the session on {issue}.",
        "We walk out of this discussion on {issue}, which has been conducted without us.",
    ],
}
OPENINGS_REPORTED = {
    Stance.SUPPORTS: [
        "{name} said it supported the proposal on {issue}.",
        "The delegation of {name} spoke in favour of the text on {issue}.",
        "{name} backed the working group's recommendation on {issue}.",
    ],
    Stance.OPPOSES: [
        "{name} voiced strong reservations about {issue}.",
        "The delegation of {name} argued against the proposal on {issue}.",
        "{name} said the text on {issue} went beyond the mandate.",
    ],
    Stance.BLOCKS: [
        "{name} refused to join consensus on {issue}.",
        "The delegation of {name} blocked any decision on {issue}.",
        "According to several delegates, {name} vetoed the text on {issue}.",
    ],
    Stance.ABSTAINS: [
        "{name} said it would not stand in the way on {issue}.",
        "The delegation of {name} reserved its position on {issue}.",
    ],
    Stance.NEUTRAL: [
        "{name} took note of the discussion on {issue}.",
        "The delegation of {name} asked for more time to consult its capital on {issue}.",
    ],
    Stance.PROTESTS: [
        "{name} walked out of the session on {issue}.",
        "The delegation of {name} boycotted the discussion on {issue}.",
    ],
}
FILLERS = [
    "The Kimberley Process must remain credible in the eyes of consumers.",
    "We thank the Chair for the efforts made during the intersessional period.",
    "Producing countries depend on the legitimate trade for their development.",
    "Any change must respect the sovereignty of participants.",
    "The text was circulated too late for proper consultation with capitals.",
    "We look forward to the report of the working group.",
    "Civil society has raised these concerns for many years.",
    "The definition adopted at the start no longer reflects the realities on the ground.",
    "Artisanal miners must not bear the cost of stricter controls.",
    "We are ready to continue the discussion in the ad hoc committee.",
    "Consensus cannot be built on texts that single out one participant.",
    "The credibility of the certificate rests on the data participants submit.",
    "We note that similar proposals were rejected at earlier plenaries.",
    "Our delegation has consulted widely with industry and communities.",
    "The review visit found serious gaps in internal controls.",
    "Capacity-building must come before new obligations.",
    "This is a question of principle for our government.",
    "We regret that the compromise text was not accepted.",
    "The secretariat should prepare options for the next meeting.",
    "Trade figures show the scale of the problem.",
]
SOURCE_SENTENCES = [
    "Delegates met behind closed doors for most of the week.",
    "The discussion on {issue} dominated the final session.",
    "{participant} was among the most outspoken delegations.",
    "Observers said the outcome showed the limits of consensus decision-making.",
    "The Chair proposed a compromise text late on the last day.",
    "Several delegations asked for more time to consult their capitals.",
    "Industry representatives welcomed the progress on statistics.",
    "Civil society groups criticised the lack of transparency.",
    "The communiqué was adopted after an all-night session.",
    "{participant} circulated a statement before the opening session.",
    "Diplomats described the atmosphere as tense but constructive.",
    "The working group on {issue} will report back at the next plenary.",
    "No vote is taken in the Kimberley Process: a single objection is enough to stop a decision.",
    "The meeting also heard reports from the review missions.",
]
HEADLINES = [
    "Kimberley Process meeting ends without deal on {issue}",
    "Delegates clash over {issue}",
    "Consensus reached on {issue}",
    "{participant} holds out on {issue}",
    "Talks on {issue} to continue next year",
    "Observers walk out over {issue}",
]
OUTCOME_NOTES = {
    Outcome.ADOPTED: "Adopted by consensus, according to the final communiqué.",
    Outcome.NO_CONSENSUS: "No consensus: at least one participant objected.",
    Outcome.NOT_DISCUSSED: "Kept off the agenda after objections in the preparatory meeting.",
    Outcome.DEFERRED: "Deferred to the next meeting.",
    Outcome.NOTED: "The meeting took note of the report.",
    Outcome.ONGOING: "Discussion continues in the working group.",
    "": "",
}
POSITION_NOTES = [
    "Stance inferred from the communiqué's wording.",
    "The source paraphrases the delegation.",
    "Said in the closing session.",
    "Repeated in a written statement after the meeting.",
]

# Stance weights in Stance's order: supports, opposes, blocks, abstains, neutral, protests.
STANCES = [Stance.SUPPORTS, Stance.OPPOSES, Stance.BLOCKS, Stance.ABSTAINS, Stance.NEUTRAL, Stance.PROTESTS]
OBSERVER, MEMBER, BLOCKER = 0, 1, 2
STANCE_WEIGHTS = {
    # (participant class, contentious issue): weights
    (OBSERVER, False): [50, 22, 0, 4, 16, 8],
    (OBSERVER, True): [40, 30, 0, 3, 12, 15],
    (MEMBER, False): [60, 14, 0.1, 9, 14, 2],
    (MEMBER, True): [50, 20, 1.2, 10, 14, 3],
    (BLOCKER, False): [45, 25, 4, 8, 13, 3],
    (BLOCKER, True): [15, 30, 40, 5, 5, 5],
}
BLOCK_FACTOR = {
    Outcome.ADOPTED: 0.0,
    Outcome.NO_CONSENSUS: 2.0,
    Outcome.NOT_DISCUSSED: 1.5,
    Outcome.DEFERRED: 1.2,
    Outcome.NOTED: 0.5,
    Outcome.ONGOING: 1.0,
    "": 1.0,
}
OUTCOME_WEIGHTS = {
    False: [(Outcome.ADOPTED, 45), (Outcome.NOTED, 20), (Outcome.DEFERRED, 10), (Outcome.ONGOING, 10),
            (Outcome.NO_CONSENSUS, 5), (Outcome.NOT_DISCUSSED, 3), ("", 7)],
    True: [(Outcome.NO_CONSENSUS, 35), (Outcome.DEFERRED, 20), (Outcome.ADOPTED, 15), (Outcome.NOTED, 10),
           (Outcome.NOT_DISCUSSED, 10), (Outcome.ONGOING, 5), ("", 5)],
}  # fmt: skip
QUOTE_SENTENCES = [1, 2, 3, 4, 5, 6]
QUOTE_SENTENCE_WEIGHTS = [35, 25, 15, 10, 8, 7]
