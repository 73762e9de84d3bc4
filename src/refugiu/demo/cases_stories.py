"""What the demo tells: invented people and the typical situations of the seed's two assistance departments.

`demo.cases` plays these stories through the services. Every person is invented: names are drawn (with a
fixed seed) from short lists of common names of each origin, and every identity says so in "other names"
(DEMO_MARKER). The stories are composites of typical situations, not anyone's file.
"""

from dataclasses import dataclass, field

from refugiu.cases import vocabularies as v

DEMO_MARKER = "DEMO — fictitious person"
SEED = 2019
TRAFFICKING, ASYLUM = "trafficking", "asylum"

# The demo accounts that work on cases, as `refugiu demo` creates them (username → function on a team).
LAWYER, PSYCHOLOGIST, SOCIAL_WORKER, MEDIATOR, CASEWORKER = (
    "lawyer",
    "psychologist",
    "socialworker",
    "mediator",
    "caseworker",
)
FUNCTION_OF = {
    LAWYER: v.TeamFunction.LAWYER,
    PSYCHOLOGIST: v.TeamFunction.PSYCHOLOGIST,
    SOCIAL_WORKER: v.TeamFunction.SOCIAL_WORKER,
    MEDIATOR: v.TeamFunction.CULTURAL_MEDIATOR,
    CASEWORKER: v.TeamFunction.SOCIAL_WORKER,
}
COORDINATOR_OF = {TRAFFICKING: "coordinator", ASYLUM: "coordinator2"}


# People ---------------------------------------------------------------------------------------------

# origin → (female given names, male given names, family names); common names, freely combined.
# fmt: off
NAMES = {
    "ro": (["Ana", "Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Cristina", "Alexandra", "Georgiana",
            "Florentina", "Daniela", "Roxana", "Larisa", "Bianca"],
           ["Ion", "Andrei", "Mihai", "Florin", "Marian", "Gheorghe", "Constantin", "Adrian", "Ionuț",
            "Cătălin", "Vasile", "Costel"],
           ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Matei", "Ciobanu", "Munteanu",
            "Dinu", "Lungu", "Ene", "Nistor", "Marin", "Tudor", "Stănescu", "Bălan", "Neagu"]),
    "md": (["Ana", "Natalia", "Olga", "Doina", "Cristina", "Victoria", "Tatiana", "Mariana"],
           ["Ion", "Vasile", "Sergiu", "Victor", "Igor", "Nicolae"],
           ["Rusu", "Ceban", "Lupu", "Cojocaru", "Țurcanu", "Ursu", "Cebotari", "Botnari", "Sârbu"]),
    "uk": (["Olena", "Iryna", "Oksana", "Nataliia", "Tetiana", "Yuliia", "Kateryna", "Svitlana"],
           ["Oleksandr", "Andrii", "Serhii", "Dmytro", "Yurii", "Vasyl"],
           ["Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko", "Moroz", "Lysenko",
            "Marchenko", "Savchenko"]),
    "ar": (["Fatima", "Amina", "Rania", "Lina", "Noor", "Huda", "Samira", "Reem"],
           ["Ahmad", "Mohammad", "Omar", "Khaled", "Yousef", "Ali", "Hassan", "Mahmoud"],
           ["Al-Hassan", "Haddad", "Khalil", "Saleh", "Nasser", "Hamdan", "Ibrahim", "Darwish", "Qassem"]),
    "af": (["Farida", "Mariam", "Zahra", "Shabnam", "Nilofar"],
           ["Ahmad", "Rahim", "Javad", "Mustafa", "Karim", "Naveed", "Sohrab"],
           ["Ahmadi", "Hakimi", "Rahimi", "Noori", "Karimi", "Sultani", "Hashimi"]),
    "er": (["Selam", "Helen", "Luwam", "Senait", "Mebrat"],
           ["Tesfay", "Yonas", "Dawit", "Samuel", "Kidane", "Filmon"],
           ["Tesfaye", "Ghebremedhin", "Haile", "Berhane", "Woldu", "Tekle"]),
    "fr": (["Grâce", "Mireille", "Aline", "Claudine", "Esther", "Nadège"],
           ["Jean-Baptiste", "Patrick", "Christian", "Serge", "Didier"],
           ["Mbuyi", "Kalala", "Ilunga", "Mukendi", "Tshimanga", "Nzuzi", "Lukusa", "Mbala"]),
    "vi": (["Lan", "Hoa", "Mai", "Thu", "Huong"],
           ["Minh", "Tuan", "Hung", "Duc", "Quang"],
           ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"]),
    "pk": (["Ayesha", "Sana", "Hina"],
           ["Imran", "Bilal", "Asif", "Usman", "Kamran"],
           ["Khan", "Iqbal", "Hussain", "Malik", "Qureshi", "Siddiqui"]),
    "tr": (["Zeynep", "Elif", "Ayşe"],
           ["Mehmet", "Emre", "Burak", "Serkan"],
           ["Yılmaz", "Kaya", "Demir", "Çelik", "Aydın"]),
}
# fmt: on
AGE_YEARS: dict[str, tuple[int, int]] = {
    v.AgeBand.CHILD_14_17: (14, 17),
    v.AgeBand.ADULT_18_24: (18, 24),
    v.AgeBand.ADULT_25_34: (25, 34),
    v.AgeBand.ADULT_35_49: (35, 49),
    v.AgeBand.ADULT_50_64: (50, 64),
}
ADDRESSES = [
    "Strada Exemplului 12, sector 6, București",
    "Bulevardul Demonstrației 3, bl. 4, ap. 17, București",
    "Strada Fictivă 8, Ilfov",
    "Centrul regional de proceduri și cazare pentru solicitanții de azil, București",
    "Adăpost (adresă confidențială)",
]


@dataclass
class Story:
    """One beneficiary and their case, as the demo tells it."""

    key: str
    department: str
    category: str
    origin: str
    gender: str
    age_band: str
    nationality: str
    languages: list[str]
    migration_status: str
    opened_days_ago: int
    summary: str
    team: list[str]
    status: str = v.CaseStatus.SERVICES
    closing: str = ""  # a ClosureOutcome: "requested" closures wait for approval, others are approved
    closure_pending: bool = False
    risk: str = v.RiskLevel.MEDIUM
    flags: list[str] = field(default_factory=list)
    trafficking_status: str = ""
    exploitation: list[str] = field(default_factory=list)
    control: list[str] = field(default_factory=list)
    recruitment: list[str] = field(default_factory=list)
    exploitation_country: str = ""
    interpreter: str = ""  # language code: an interpreter or mediator joins sessions in it
    guardian_consent: bool = False
    proceedings: list[dict] = field(default_factory=list)
    share_with: list[str] = field(default_factory=list)  # directory organisations named in consents
    refer_to_department: str = ""
    sessions: int = 6
    # A follow-up task left past its day: a few stories have one, so "Overdue" picks out those few cases.
    overdue_task: bool = False
    referral_waiting: bool = False  # the internal referral, sent days ago, has no answer yet


T, A = TRAFFICKING, ASYLUM
F, M = v.Gender.FEMININE, v.Gender.MASCULINE
E, C, R = v.ExploitationType, v.ControlMethod, v.RecruitmentMethod
PK, PS = v.ProceedingKind, v.ProceedingStage
ACTUAL, POSSIBLE = v.TraffickingStatus.ACTUAL, v.TraffickingStatus.POSSIBLE
DIICOT = "Directorate for Investigating Organised Crime and Terrorism"
IGI = "Romanian General Inspectorate for Immigration"
ANITP = "National Agency against Trafficking in Persons"

# Proceedings: kind, stage, authority, days from today to the next deadline (negative: overdue, which
# three stories have, as a few cases of a working department do; None: no deadline), what is due, and
# extras for the model.
STORIES = [
    Story("t-sexual-de", T, v.CaseCategory.TRAFFICKING, "ro", F, v.AgeBand.ADULT_18_24, "RO", ["ro"],
          v.MigrationStatus.RETURNEE, 410,
          "Recruited through a social network with an offer of work in a restaurant; exploited in "
          "prostitution in Germany for eight months. Returned with the help of a German counselling centre.",
          [SOCIAL_WORKER, PSYCHOLOGIST, LAWYER], risk=v.RiskLevel.HIGH,
          flags=[v.CaseFlag.CROSS_BORDER, v.CaseFlag.SAFETY_RISK], trafficking_status=ACTUAL,
          exploitation=[E.SEXUAL_EXPLOITATION], control=[C.DEBT_BONDAGE, C.WITHHOLDS_DOCUMENTS,
          C.PHYSICAL_THREATS], recruitment=[R.ONLINE_SOCIAL_NETWORKS], exploitation_country="DE",
          proceedings=[dict(kind=PK.CRIMINAL_CASE, stage=PS.INVESTIGATION, authority=DIICOT, deadline=18,
                            label="Hearing of the victim by the prosecutor"),
                       dict(kind=PK.COMPENSATION_CLAIM, stage=PS.FILED, authority="Bucharest Tribunal",
                            deadline=64, label="Submit the psychological report",
                            pecuniary_claimed="12000", non_pecuniary_claimed="50000", currency="EUR",
                            evidence="Psychological evaluation report; bank transfers to the recruiter")],
          share_with=["KOK - German NGO network against trafficking in human beings", ANITP], sessions=10),
    Story("t-sexual-it", T, v.CaseCategory.TRAFFICKING, "ro", F, v.AgeBand.ADULT_25_34, "RO", ["ro", "it"],
          v.MigrationStatus.RETURNEE, 300,
          "Exploited in Italy by a partner who promised marriage (\"loverboy\" method); her earnings were "
          "taken and her family threatened. She testifies in the trial of the group.",
          [LAWYER, PSYCHOLOGIST], status=v.CaseStatus.SUPPORT_PLAN, risk=v.RiskLevel.HIGH,
          flags=[v.CaseFlag.CROSS_BORDER], trafficking_status=ACTUAL, exploitation=[E.SEXUAL_EXPLOITATION],
          control=[C.PSYCHOLOGICAL_ABUSE, C.TAKES_EARNINGS, C.THREATENS_CHILDREN_FAMILY],
          recruitment=[R.FRIENDS], exploitation_country="IT",
          proceedings=[dict(kind=PK.CRIMINAL_CASE, stage=PS.TRIAL, authority="Bucharest Court of Appeal",
                            deadline=4, label="Written statement of the injured party")]),
    Story("t-labour-es", T, v.CaseCategory.TRAFFICKING, "ro", M, v.AgeBand.ADULT_35_49, "RO", ["ro", "es"],
          v.MigrationStatus.RETURNEE, 520,
          "Recruited through an online advertisement for strawberry picking in Spain; fourteen-hour days, "
          "passport kept by the employer, wages withheld against an invented debt.",
          [SOCIAL_WORKER, LAWYER], trafficking_status=ACTUAL, exploitation=[E.FORCED_LABOUR],
          control=[C.EXCESSIVE_WORKING_HOURS, C.WITHHOLDS_DOCUMENTS, C.TAKES_EARNINGS, C.DEBT_BONDAGE],
          recruitment=[R.ONLINE_ADVERTISEMENT], exploitation_country="ES",
          proceedings=[dict(kind=PK.CRIMINAL_CASE, stage=PS.COMPLAINT, authority=DIICOT, deadline=None),
                       dict(kind=PK.COMPENSATION_CLAIM, stage=PS.FILED,
                            authority="Court of Huelva (via the assisting authority)", deadline=35,
                            label="Translate the evidence of unpaid wages",
                            pecuniary_claimed="9400", currency="EUR",
                            evidence="Pay slips, messages from the recruiter")],
          share_with=["Association Trabe Iniciativas para la Economia Social y Solidaria"], sessions=8),
    Story("t-labour-gb", T, v.CaseCategory.TRAFFICKING, "ro", M, v.AgeBand.ADULT_25_34, "RO", ["ro", "en"],
          v.MigrationStatus.RETURNEE, 45,
          "Worked on building sites in the United Kingdom for a gang that kept his documents and most of "
          "his pay; came to us through the anti-trafficking agency.",
          [LAWYER, SOCIAL_WORKER], status=v.CaseStatus.ASSESSMENT, trafficking_status=ACTUAL,
          exploitation=[E.FORCED_LABOUR], control=[C.WITHHOLDS_DOCUMENTS, C.TAKES_EARNINGS],
          recruitment=[R.FRIENDS], exploitation_country="GB", sessions=3),
    Story("t-sexual-md", T, v.CaseCategory.TRAFFICKING, "md", F, v.AgeBand.ADULT_18_24, "MD", ["ro", "ru"],
          v.MigrationStatus.IRREGULAR_MIGRANT, 200,
          "Brought to Bucharest with a promise of a job in a hotel and exploited in an apartment. Identified "
          "during a police operation; lives in the shelter.",
          [SOCIAL_WORKER, PSYCHOLOGIST, LAWYER], risk=v.RiskLevel.CRITICAL, flags=[v.CaseFlag.SAFETY_RISK],
          trafficking_status=ACTUAL, exploitation=[E.SEXUAL_EXPLOITATION],
          control=[C.PHYSICAL_ABUSE, C.WITHHOLDS_DOCUMENTS, C.PSYCHOACTIVE_SUBSTANCE],
          recruitment=[R.FRIENDS], exploitation_country="RO",
          proceedings=[dict(kind=PK.REFLECTION_PERIOD, stage=PS.GRANTED, authority=IGI, deadline=-2,
                            label="Reflection period ends: decide on cooperation"),
                       dict(kind=PK.RESIDENCE_PERMIT, stage=PS.REQUESTED, authority=IGI, deadline=21,
                            label="Bring the prosecutor's certificate"),
                       dict(kind=PK.CRIMINAL_CASE, stage=PS.INVESTIGATION, authority=DIICOT, deadline=None)],
          sessions=12),
    Story("t-sexual-ua", T, v.CaseCategory.TRAFFICKING, "uk", F, v.AgeBand.ADULT_25_34, "UA", ["uk", "ru"],
          v.MigrationStatus.COMPLEMENTARY_PROTECTION, 60,
          "Fled the war, was offered accommodation and work by a man met at the border, then forced into "
          "prostitution. Speaks no Romanian: every session with an interpreter.",
          [PSYCHOLOGIST, MEDIATOR, LAWYER], status=v.CaseStatus.ASSESSMENT, risk=v.RiskLevel.HIGH,
          flags=[v.CaseFlag.NEEDS_INTERPRETER], trafficking_status=POSSIBLE,
          exploitation=[E.SEXUAL_EXPLOITATION], control=[C.FALSE_PROMISES, C.THREATS_LAW_ENFORCEMENT],
          recruitment=[R.PLACE_OF_BUSINESS], exploitation_country="RO", interpreter="uk",
          proceedings=[dict(kind=PK.REFLECTION_PERIOD, stage=PS.REQUESTED, authority=IGI, deadline=6,
                            label="Decision on the reflection period")], sessions=5),
    Story("t-child", T, v.CaseCategory.TRAFFICKING, "ro", F, v.AgeBand.CHILD_14_17, "RO", ["ro"],
          v.MigrationStatus.NATIONAL, 250,
          "A 16-year-old recruited at her school by an older acquaintance and exploited in a nearby town. "
          "Placed with her aunt by the child protection directorate.",
          [PSYCHOLOGIST, SOCIAL_WORKER, LAWYER], risk=v.RiskLevel.HIGH, flags=[v.CaseFlag.CHILD],
          trafficking_status=ACTUAL, exploitation=[E.SEXUAL_EXPLOITATION],
          control=[C.PSYCHOLOGICAL_ABUSE, C.PSYCHOACTIVE_SUBSTANCE], recruitment=[R.EDUCATIONAL_INSTITUTION],
          exploitation_country="RO", guardian_consent=True,
          proceedings=[dict(kind=PK.CRIMINAL_CASE, stage=PS.INDICTMENT, authority=DIICOT, deadline=30,
                            label="Hearing in a child-friendly room")],
          share_with=["General Directorates for Social Assistance and Child Protection"], sessions=9),
    Story("t-begging-fr", T, v.CaseCategory.TRAFFICKING, "ro", M, v.AgeBand.ADULT_50_64, "RO", ["ro"],
          v.MigrationStatus.RETURNEE, 380,
          "Taken to France and made to beg outside supermarkets; beaten when he brought too little. Has a "
          "disability that the exploiters used to draw sympathy.",
          [SOCIAL_WORKER, LAWYER], flags=[v.CaseFlag.DISABILITY, v.CaseFlag.CROSS_BORDER],
          trafficking_status=ACTUAL, exploitation=[E.FORCED_BEGGING],
          control=[C.PHYSICAL_ABUSE, C.WITHHOLDS_NECESSITIES], recruitment=[R.FAMILY],
          exploitation_country="FR",
          proceedings=[dict(kind=PK.CRIMINAL_CASE, stage=PS.INVESTIGATION, authority=DIICOT, deadline=9,
                            label="Provide the medical certificate to the prosecutor")]),
    Story("t-labour-vn", T, v.CaseCategory.TRAFFICKING, "vi", M, v.AgeBand.ADULT_25_34, "VN", ["vi"],
          v.MigrationStatus.LABOUR_MIGRANT, 330,
          "Came with a work permit through an agency that charged him a large fee; the employer kept his "
          "passport and paid a fraction of the promised wage.",
          [LAWYER, SOCIAL_WORKER], flags=[v.CaseFlag.NEEDS_INTERPRETER], trafficking_status=ACTUAL,
          exploitation=[E.FORCED_LABOUR], control=[C.DEBT_BONDAGE, C.WITHHOLDS_DOCUMENTS,
          C.EXCESSIVE_WORKING_HOURS], recruitment=[R.PLACE_OF_BUSINESS], exploitation_country="RO",
          interpreter="vi", overdue_task=True,
          proceedings=[dict(kind=PK.RESIDENCE_PERMIT, stage=PS.GRANTED, authority=IGI, deadline=95,
                            label="Apply to extend the residence permit"),
                       dict(kind=PK.CRIMINAL_CASE, stage=PS.TRIAL, authority="Ilfov Tribunal", deadline=40,
                            label="Trial hearing")]),
    Story("t-servitude-cy", T, v.CaseCategory.TRAFFICKING, "ro", F, v.AgeBand.ADULT_25_34, "RO", ["ro", "en"],
          v.MigrationStatus.RETURNEE, 700,
          "Domestic servitude in Cyprus: no days off, no pay, documents withheld. Now employed in Bucharest "
          "and living independently.",
          [SOCIAL_WORKER, PSYCHOLOGIST], status=v.CaseStatus.CLOSED, closing=v.ClosureOutcome.INTEGRATED,
          trafficking_status=ACTUAL, exploitation=[E.SERVITUDE],
          control=[C.WITHHOLDS_DOCUMENTS, C.RESTRICTS_FINANCIAL_ACCESS], recruitment=[R.FAMILY],
          exploitation_country="CY", sessions=10),
    Story("t-care-de", T, v.CaseCategory.TRAFFICKING, "ro", F, v.AgeBand.ADULT_35_49, "RO", ["ro", "de"],
          v.MigrationStatus.RETURNEE, 9,
          "Called the helpline after returning from live-in care work in Germany: no pay for four months and "
          "no freedom to leave the house. Identification interview planned.",
          [SOCIAL_WORKER], status=v.CaseStatus.OPEN, trafficking_status=POSSIBLE,
          exploitation=[E.FORCED_LABOUR], control=[C.TAKES_EARNINGS, C.EXCESSIVE_WORKING_HOURS],
          recruitment=[R.ONLINE_ADVERTISEMENT], exploitation_country="DE", sessions=1),
    Story("t-labour-nl", T, v.CaseCategory.TRAFFICKING, "ro", M, v.AgeBand.ADULT_18_24, "RO", ["ro"],
          v.MigrationStatus.RETURNEE, 480,
          "Forced labour in a warehouse in the Netherlands. Back in school and working part-time; the "
          "support plan goals are met.",
          [SOCIAL_WORKER, LAWYER], closing=v.ClosureOutcome.GOALS_MET, closure_pending=True,
          risk=v.RiskLevel.LOW, trafficking_status=ACTUAL, exploitation=[E.FORCED_LABOUR],
          control=[C.DEBT_BONDAGE, C.FALSE_PROMISES], recruitment=[R.ONLINE_SOCIAL_NETWORKS],
          exploitation_country="NL", sessions=8),
    Story("v-order-issued", T, v.CaseCategory.VIOLENCE_AGAINST_WOMEN, "ro", F, v.AgeBand.ADULT_25_34, "RO",
          ["ro"], v.MigrationStatus.NATIONAL, 150,
          "Years of violence by her husband; she left with her two children after a provisional order from "
          "the police. The court issued a protection order for six months.",
          [LAWYER, PSYCHOLOGIST], risk=v.RiskLevel.HIGH, flags=[v.CaseFlag.SAFETY_RISK],
          proceedings=[dict(kind=PK.PROTECTION_ORDER, stage=PS.ISSUED, authority="District Court, sector 6",
                            deadline=40, label="Protection order expires: ask for an extension?"),
                       dict(kind=PK.CRIMINAL_CASE, stage=PS.INVESTIGATION, authority="Prosecutor's office, "
                            "sector 6", deadline=None)]),
    Story("v-order-requested", T, v.CaseCategory.VIOLENCE_AGAINST_WOMEN, "ro", F, v.AgeBand.ADULT_35_49, "RO",
          ["ro"], v.MigrationStatus.NATIONAL, 20,
          "Threatened by a former partner who follows her to work. Protection order requested; the hearing "
          "is urgent.",
          [LAWYER, SOCIAL_WORKER], status=v.CaseStatus.ASSESSMENT, risk=v.RiskLevel.HIGH,
          flags=[v.CaseFlag.SAFETY_RISK],
          proceedings=[dict(kind=PK.PROTECTION_ORDER, stage=PS.REQUESTED,
                            authority="District Court, sector 3", deadline=3,
                            label="Hearing on the protection order")], sessions=3),
    Story("v-order-breached", T, v.CaseCategory.VIOLENCE_AGAINST_WOMEN, "uk", F, v.AgeBand.ADULT_25_34, "UA",
          ["uk", "ru"], v.MigrationStatus.COMPLEMENTARY_PROTECTION, 170,
          "Violence by her partner, also from Ukraine; he breached the protection order twice. The police "
          "opened a criminal case for the breach.",
          [PSYCHOLOGIST, LAWYER, MEDIATOR], risk=v.RiskLevel.CRITICAL,
          flags=[v.CaseFlag.SAFETY_RISK, v.CaseFlag.NEEDS_INTERPRETER], interpreter="uk",
          proceedings=[dict(kind=PK.PROTECTION_ORDER, stage=PS.BREACHED, authority="District Court, sector 2",
                            deadline=None),
                       dict(kind=PK.CRIMINAL_CASE, stage=PS.COMPLAINT, authority="Police, sector 2",
                            deadline=10, label="Statement at the police station")]),
    Story("v-order-refused", T, v.CaseCategory.VIOLENCE_AGAINST_WOMEN, "ro", F, v.AgeBand.ADULT_50_64, "RO",
          ["ro"], v.MigrationStatus.NATIONAL, 95,
          "Her son is violent and takes her pension. The court refused the protection order for lack of "
          "evidence; we appealed with the medical certificates.",
          [LAWYER, SOCIAL_WORKER],
          proceedings=[dict(kind=PK.PROTECTION_ORDER, stage=PS.REFUSED, authority="District Court, sector 4",
                            deadline=12, label="Appeal hearing", is_appeal=True)], sessions=5),
    Story("c-assault", T, v.CaseCategory.CRIME, "md", M, v.AgeBand.ADULT_25_34, "MD", ["ro", "ru"],
          v.MigrationStatus.LABOUR_MIGRANT, 640,
          "Assaulted and robbed by his employer's foreman when he asked for his wages. Compensation was "
          "awarded and paid.",
          [LAWYER, SOCIAL_WORKER], status=v.CaseStatus.CLOSED, closing=v.ClosureOutcome.GOALS_MET,
          risk=v.RiskLevel.LOW,
          proceedings=[dict(kind=PK.COMPENSATION_CLAIM, stage=PS.PAID, authority="Bucharest Tribunal",
                            deadline=None, pecuniary_claimed="3500", non_pecuniary_claimed="10000",
                            pecuniary_awarded="3500", non_pecuniary_awarded="6000", currency="RON",
                            evidence="Forensic medical certificate")], sessions=7),
    # Asylum seekers and refugees
    Story("a-interview-sy", A, v.CaseCategory.ASYLUM_SEEKER, "ar", M, v.AgeBand.ADULT_25_34, "SY",
          ["ar", "en"], v.MigrationStatus.ASYLUM_SEEKER, 40,
          "Applied for asylum at the border. Preparing for the personal interview; needs an Arabic "
          "interpreter for legal counselling.",
          [CASEWORKER, LAWYER, MEDIATOR], status=v.CaseStatus.SUPPORT_PLAN, interpreter="ar",
          flags=[v.CaseFlag.NEEDS_INTERPRETER],
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.INTERVIEW, authority=IGI, deadline=12,
                            label="Personal interview at the asylum office")],
          share_with=[IGI], sessions=5),
    Story("a-dublin-sy", A, v.CaseCategory.ASYLUM_SEEKER, "ar", F, v.AgeBand.ADULT_35_49, "SY", ["ar"],
          v.MigrationStatus.ASYLUM_SEEKER, 75,
          "Mother of three; fingerprinted in Bulgaria. A Dublin transfer decision was served; we challenge "
          "it because of the children's health.",
          [LAWYER, CASEWORKER, MEDIATOR], risk=v.RiskLevel.HIGH, interpreter="ar",
          flags=[v.CaseFlag.NEEDS_INTERPRETER],
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.DUBLIN, authority=IGI, deadline=-1,
                            label="Appeal against the Dublin transfer", is_dublin=True)]),
    Story("a-appeal-af", A, v.CaseCategory.ASYLUM_SEEKER, "af", M, v.AgeBand.ADULT_18_24, "AF", ["fa", "ps"],
          v.MigrationStatus.ASYLUM_SEEKER, 260,
          "Asylum refused at first instance; the appeal argues the risk from his former employer's "
          "associates, which the decision did not weigh.",
          [LAWYER, MEDIATOR], interpreter="fa", flags=[v.CaseFlag.NEEDS_INTERPRETER],
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.APPEAL, authority="District Court, sector 4",
                            deadline=8, label="Appeal hearing", is_appeal=True)]),
    Story("a-child-af", A, v.CaseCategory.ASYLUM_SEEKER, "af", M, v.AgeBand.CHILD_14_17, "AF", ["ps", "fa"],
          v.MigrationStatus.UNACCOMPANIED_CHILD, 120,
          "Unaccompanied 15-year-old, travelled for two years through several countries. A legal "
          "representative was appointed; lives in a child protection centre.",
          [CASEWORKER, PSYCHOLOGIST, LAWYER, MEDIATOR], risk=v.RiskLevel.HIGH, interpreter="ps",
          flags=[v.CaseFlag.CHILD, v.CaseFlag.UNACCOMPANIED, v.CaseFlag.NEEDS_INTERPRETER],
          guardian_consent=True,
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.REGISTERED, authority=IGI, deadline=25,
                            label="Age assessment and interview with the legal representative")],
          share_with=["General Directorates for Social Assistance and Child Protection"]),
    Story("a-medical-iq", A, v.CaseCategory.ASYLUM_SEEKER, "ar", F, v.AgeBand.ADULT_25_34, "IQ", ["ar", "ku"],
          v.MigrationStatus.ASYLUM_SEEKER, 90,
          "Pregnant, with trauma from detention before her flight. Medical mediation for prenatal care; "
          "psychological support.",
          [CASEWORKER, PSYCHOLOGIST, MEDIATOR], flags=[v.CaseFlag.PREGNANCY], interpreter="ar",
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.INTERVIEW, authority=IGI, deadline=-8,
                            label="Send the medical documents to the asylum office")]),
    Story("a-refugee-er", A, v.CaseCategory.REFUGEE, "er", M, v.AgeBand.ADULT_25_34, "ER", ["ti", "en"],
          v.MigrationStatus.REFUGEE, 330,
          "Refugee status granted last year. In the integration programme: Romanian classes, looking for "
          "work as a welder.",
          [CASEWORKER, MEDIATOR], risk=v.RiskLevel.LOW, interpreter="ti",
          proceedings=[dict(kind=PK.RESIDENCE_PERMIT, stage=PS.GRANTED, authority=IGI, deadline=140,
                            label="Renew the residence permit")], sessions=8),
    Story("a-refugee-sy", A, v.CaseCategory.REFUGEE, "ar", F, v.AgeBand.ADULT_35_49, "SY", ["ar", "ro"],
          v.MigrationStatus.REFUGEE, 690,
          "Refugee since 2021; completed the integration programme, works as a cultural mediator at a "
          "hospital, children in school.",
          [CASEWORKER, LAWYER], status=v.CaseStatus.CLOSED, closing=v.ClosureOutcome.INTEGRATED,
          risk=v.RiskLevel.LOW, sessions=9),
    Story("a-trafficking-cd", A, v.CaseCategory.ASYLUM_SEEKER, "fr", F, v.AgeBand.ADULT_25_34, "CD",
          ["fr", "ln"], v.MigrationStatus.ASYLUM_SEEKER, 140,
          "Asylum seeker who, during legal counselling, told of being forced to work in a bar on her way "
          "here. Referred to the trafficking department for identification.",
          [LAWYER, PSYCHOLOGIST, CASEWORKER], risk=v.RiskLevel.HIGH, refer_to_department=TRAFFICKING,
          referral_waiting=True,
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.FIRST_DECISION, authority=IGI, deadline=15,
                            label="First-instance decision expected")], sessions=7),
    Story("a-rejected-pk", A, v.CaseCategory.ASYLUM_SEEKER, "pk", M, v.AgeBand.ADULT_25_34, "PK",
          ["ur", "en"], v.MigrationStatus.ASYLUM_SEEKER, 210,
          "Appeal rejected; discussing voluntary return and the options left. Needs housing after leaving "
          "the reception centre.",
          [LAWYER, CASEWORKER], status=v.CaseStatus.SUPPORT_PLAN,
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.REJECTED, authority="Bucharest Tribunal",
                            deadline=20, label="Leave the reception centre", is_appeal=True)], sessions=5),
    Story("a-protection-ua", A, v.CaseCategory.REFUGEE, "uk", F, v.AgeBand.ADULT_35_49, "UA", ["uk", "ru"],
          v.MigrationStatus.COMPLEMENTARY_PROTECTION, 520,
          "Temporary protection since 2022, with her mother and daughter. Help with the daughter's school "
          "enrolment and the mother's medical care.",
          [CASEWORKER, MEDIATOR], status=v.CaseStatus.SUPPORT_PLAN, risk=v.RiskLevel.LOW, interpreter="uk",
          sessions=7, overdue_task=True),
    Story("a-stateless", A, v.CaseCategory.OTHER, "ar", M, v.AgeBand.ADULT_50_64, "", ["ar", "ro"],
          v.MigrationStatus.STATELESS, 430,
          "Born in a refugee camp, never registered by any state; has lived in Romania for twenty years "
          "without papers. Applying for a residence permit.",
          [LAWYER, CASEWORKER],
          proceedings=[dict(kind=PK.RESIDENCE_PERMIT, stage=PS.REQUESTED, authority=IGI, deadline=33,
                            label="Interview on the residence application")], share_with=[IGI]),
    Story("a-subsidiary-cm", A, v.CaseCategory.REFUGEE, "fr", F, v.AgeBand.ADULT_18_24, "CM", ["fr", "en"],
          v.MigrationStatus.REFUGEE, 600,
          "Subsidiary protection granted; moved to Cluj to study and was referred to a local support "
          "service.",
          [CASEWORKER, PSYCHOLOGIST], status=v.CaseStatus.CLOSED, closing=v.ClosureOutcome.REFERRED,
          risk=v.RiskLevel.LOW,
          proceedings=[dict(kind=PK.ASYLUM_PROCEDURE, stage=PS.SUBSIDIARY_PROTECTION, authority=IGI,
                            deadline=None)], sessions=6),
    Story("a-intake-tr", A, v.CaseCategory.ASYLUM_SEEKER, "tr", M, v.AgeBand.ADULT_25_34, "TR", ["tr", "en"],
          v.MigrationStatus.ASYLUM_SEEKER, 4,
          "Arrived last week and applied for asylum; first meeting to explain the procedure and his rights.",
          [CASEWORKER], status=v.CaseStatus.OPEN, sessions=1),
]  # fmt: skip


# Session, note and task texts -----------------------------------------------------------------------

SESSION_NOTES = {
    v.ServiceKind.LEGAL_COUNSELLING: [
        "Explained the rights of victims in criminal proceedings and how a statement is taken.",
        "Went through the documents needed for the application; a copy of each is on file.",
        "Explained the asylum procedure, its stages and deadlines; questions answered.",
        "Prepared the questions the prosecutor is likely to ask.",
    ],
    v.ServiceKind.LEGAL_REPRESENTATION: [
        "Represented at the hearing; the next date was set by the court.",
        "Filed the written submissions and the evidence list.",
    ],
    v.ServiceKind.SOCIAL_COUNSELLING: [
        "Reviewed the support plan together; housing remains the priority.",
        "Helped with the application for social benefits.",
        "Discussed a budget for the coming month and a first job interview.",
        "Contacted the school about enrolment; documents to bring next week.",
    ],
    v.ServiceKind.PSYCHOLOGICAL_COUNSELLING: [
        "Individual session. Agreed on the next appointment.",
        "Individual session; stabilisation exercises practised.",
    ],
    v.ServiceKind.CULTURAL_MEDIATION: [
        "Mediation with the reception centre staff about meals and prayer times.",
        "Explained how appointments and public services work here.",
    ],
    v.ServiceKind.MEDICAL_MEDIATION: [
        "Accompanied to the family doctor; registration completed.",
        "Medical appointment at the hospital; explained the treatment plan.",
    ],
    v.ServiceKind.INTERPRETATION: [
        "Interpretation during the meeting with the lawyer.",
        "Interpretation at the appointment with the immigration office.",
    ],
    v.ServiceKind.ACCOMPANIMENT: [
        "Accompanied to the police station to give a statement.",
        "Accompanied to court; waited with her in the separate room for victims.",
        "Accompanied to the population register for a new identity card.",
    ],
    v.ServiceKind.SHELTER: [
        "Admitted to the shelter; house rules explained.",
        "Stay in the shelter extended by a month.",
    ],
}
# The kinds of session each function on a team gives.
_K = v.ServiceKind
SESSION_KINDS = {
    LAWYER: [_K.LEGAL_COUNSELLING, _K.LEGAL_COUNSELLING, _K.LEGAL_REPRESENTATION],
    PSYCHOLOGIST: [_K.PSYCHOLOGICAL_COUNSELLING],
    SOCIAL_WORKER: [_K.SOCIAL_COUNSELLING, _K.ACCOMPANIMENT, _K.SHELTER],
    CASEWORKER: [_K.SOCIAL_COUNSELLING, _K.ACCOMPANIMENT, _K.MEDICAL_MEDIATION],
    MEDIATOR: [_K.CULTURAL_MEDIATION, _K.INTERPRETATION, _K.MEDICAL_MEDIATION],
}
DURATIONS = {
    v.ServiceKind.PSYCHOLOGICAL_COUNSELLING: [50, 60],
    v.ServiceKind.LEGAL_REPRESENTATION: [90, 180, 240],
    v.ServiceKind.ACCOMPANIMENT: [120, 180, 240],
    v.ServiceKind.SHELTER: [30],
}
LANGUAGE_NAMES = {
    "uk": "Ukrainian", "ar": "Arabic", "fa": "Dari", "ps": "Pashto", "ti": "Tigrinya", "vi": "Vietnamese",
    "ru": "Russian", "fr": "French", "en": "English", "tr": "Turkish", "ur": "Urdu",
}  # fmt: skip
TEAM_NOTES = [
    "First meeting at the office. {given} was tired but engaged; we agreed to meet again next week.",
    "Called {given} to confirm Thursday's appointment; we cover the transport costs.",
    "Case discussed in the team meeting: priorities are safety, documents and income, in that order.",
    "{given} asked that we do not call the family home; use the mobile number only.",
    "Transport to the hearing arranged with the police; {given} will not wait in a room with the accused.",
]
SEALED_NOTES = {
    v.NoteSeal.PSYCHOLOGICAL: [
        "Sleep problems and intrusive memories persist; stabilisation techniques started. Symptoms fit "
        "post-traumatic stress; a report for the court can be prepared if {given} agrees.",
        "Marked improvement: sleeps through most nights and has started to plan ahead. Trust in the "
        "team is good; discussed what testifying would mean for {given}.",
    ],
    v.NoteSeal.LEGAL: [
        "Assessed the chances of the claim: the evidence of unpaid wages is strong, the identification of "
        "the recruiter weak. Advised {given} to keep every message.",
        "Strategy: ask for the hearing without the accused present and for the statement to be recorded.",
    ],
}
TASKS = [
    "Call back about the shelter place",
    "Ask the police for a copy of the statement",
    "Book an interpreter for the next session",
    "Prepare the file for the hearing",
    "Check the school enrolment documents",
    "Follow up on the medical appointment",
]
SHARED_FOR_SHARING = [
    v.SharedField.CODE,
    v.SharedField.NAMES,
    v.SharedField.GENDER_AGE,
    v.SharedField.NATIONALITY,
    v.SharedField.CATEGORY,
]


DECIDED_STAGES = {
    v.ProceedingStage.ISSUED,
    v.ProceedingStage.REFUSED,
    v.ProceedingStage.GRANTED,
    v.ProceedingStage.PAID,
    v.ProceedingStage.DECIDED,
    v.ProceedingStage.REJECTED,
    v.ProceedingStage.REFUGEE_STATUS,
    v.ProceedingStage.SUBSIDIARY_PROTECTION,
    v.ProceedingStage.FIRST_DECISION,
}
