"""Demo content for "All Of Us Are Dead", as plain data for `manage.py load_demo`.

Facts (names, numbers, dates, attributed quotations) come from the magazine article in
shared/seed/; every sentence of prose here is our own. Each record is keyed by a natural
key (a slug, a season number, a question) so that loading it again changes nothing.

No Django imports: the loader in guide/management/commands/load_demo.py turns these
dictionaries into rows.
"""

from datetime import date
from typing import Any

Record = dict[str, Any]

SHOW_SLUG = "all-of-us-are-dead"
DIRECTOR = "lee-jae-gyu"
LAST_VERIFIED = date(2026, 11, 25)
RENEWAL_DATE = date(2022, 6, 6)
SEASON_1_RELEASE = date(2022, 1, 28)

NETFLIX = "Netflix"
DIRECTOR_INTERVIEWS = "Lee Jae-gyu, interviews after season 1"
PRESS_ON_DIRECTOR = "Press reports on Lee Jae-gyu's plans"

SHOW: Record = {
    "title": "All Of Us Are Dead",
    "original_title": "지금 우리 학교는",
    "tagline": "One ordinary school day, a virus turns a Korean high school into a trap.",
    "synopsis": (
        "A mysterious infection breaks out at Hyosan High School and spreads faster than "
        "anyone can react. Within hours the corridors belong to the infected, and a "
        "handful of classmates barricade themselves in whatever rooms they can hold. Cut "
        "off from the town outside, with no rescue in sight, they must work out whom to "
        "trust and how to reach safety.\n\n"
        "Behind the horror sits a sharp school drama: rivalries, first crushes, "
        "friendships put under strain, and the pressures teenagers carry even on a "
        "normal day."
    ),
    "platform": "Netflix",
    "creators": "Lee Jae-gyu (director)",
    "source_title": "Now at Our School",
    "source_original_title": "지금 우리 학교는",
    "source_author": "Joo Dong-geun",
    "source_kind": "webtoon",
    "source_length": "130 episodes",
    "genres": "Horror, Zombie, Thriller, Coming-of-age, Korean drama",
    "content_advisories": (
        "This series shows graphic, bloody violence throughout. It also deals with "
        "bullying, sexual assault, suicide, and revenge porn (intimate images shared "
        "without consent). Some of these scenes are explicit and may be distressing."
    ),
    "is_published": True,
    "is_featured": True,
}

# People: keyed by slug. Korean spellings appear in native_name and again in aliases,
# so search finds them either way.
PEOPLE: list[Record] = [
    {
        "slug": "lee-jae-gyu",
        "name": "Lee Jae-gyu",
        "native_name": "이재규",
        "aliases": "Lee Jae-kyoo\nLee Jae-kyu\nLee Jae Gyu\nJ.Q. Lee\nJQ Lee\n이재규",
        "bio": "Director of All Of Us Are Dead.",
    },
    {
        "slug": "yoon-chan-young",
        "name": "Yoon Chan-young",
        "native_name": "윤찬영",
        "aliases": "Yoon Chan Young\nYun Chan-young\nYoon Chan-yeong\n윤찬영",
        "bio": "",
    },
    {
        "slug": "park-ji-hu",
        "name": "Park Ji-hu",
        "native_name": "박지후",
        "aliases": "Park Ji-hoo\nPark Ji Hu\nPark Jihu\n박지후",
        "bio": "",
    },
    {
        "slug": "jo-yi-hyun",
        "name": "Jo Yi-hyun",
        "native_name": "조이현",
        "aliases": "Cho Yi-hyun\nCho Yi Hyun\nJo Yi Hyun\nJo I-hyeon\n조이현",
        "bio": "",
    },
    {
        "slug": "park-solomon",
        "name": "Park Solomon",
        "native_name": "박솔로몬",
        "aliases": "Lomon\n박솔로몬\n로몬",
        "bio": "",
    },
    {
        "slug": "yoo-in-soo",
        "name": "Yoo In-soo",
        "native_name": "유인수",
        "aliases": "Yoo In Soo\nYu In-su\n유인수",
        "bio": "",
    },
    {
        "slug": "lee-kyu-hyung",
        "name": "Lee Kyu-hyung",
        "native_name": "이규형",
        "aliases": "Lee Kyu Hyung\nLee Gyu-hyeong\n이규형",
        "bio": "",
    },
    {
        "slug": "kim-byung-chul",
        "name": "Kim Byung-chul",
        "native_name": "김병철",
        "aliases": "Kim Byung Chul\nKim Byeong-cheol\n김병철",
        "bio": "",
    },
    {
        "slug": "lee-chae-eun",
        "name": "Lee Chae-eun",
        "native_name": "이채은",
        "aliases": "Lee Chae Eun\n이채은",
        "bio": "",
    },
    {
        "slug": "kim-jin-young",
        "name": "Kim Jin-young",
        "native_name": "김진영",
        "aliases": "Kim Jin Young\nKim Jin-yeong\n김진영",
        "bio": "",
    },
    {
        "slug": "jeon-bae-soo",
        "name": "Jeon Bae-soo",
        "native_name": "전배수",
        "aliases": "Jeon Bae Soo\nJun Bae-soo\n전배수",
        "bio": "",
    },
    {
        "slug": "shin-jae-hwi",
        "name": "Shin Jae-hwi",
        "native_name": "신재휘",
        "aliases": "Shin Jae Hwi\n신재휘",
        "bio": "",
    },
    {
        "slug": "ahn-ji-ho",
        "name": "Ahn Ji-ho",
        "native_name": "안지호",
        "aliases": "Ahn Ji Ho\nAn Ji-ho\n안지호",
        "bio": "",
    },
]

LEADS = ["yoon-chan-young", "jo-yi-hyun", "park-ji-hu", "park-solomon", "yoo-in-soo"]
SUPPORTING_CAST = [
    "lee-kyu-hyung",
    "kim-byung-chul",
    "lee-chae-eun",
    "kim-jin-young",
    "jeon-bae-soo",
    "shin-jae-hwi",
    "ahn-ji-ho",
]

# Characters of the show: keyed by (show, slug). "actor" is a person's slug.
CHARACTERS: list[Record] = [
    {
        "slug": "lee-cheong-san",
        "name": "Lee Cheong-san",
        "native_name": "이청산",
        "aliases": "Cheongsan\nCheong San\nCheong-san\nLee Chung-san\n청산\n이청산",
        "description": (
            "A warm, loyal second-year at Hyosan High who grew up next door to On-jo and "
            "has quietly cared about her for years. Quick to act, he puts himself "
            "between his friends and danger without a second thought."
        ),
        "actor": "yoon-chan-young",
        "role": "main",
        "billing_order": 1,
    },
    {
        "slug": "choi-nam-ra",
        "name": "Choi Nam-ra",
        "native_name": "최남라",
        "aliases": "Namra\nNam Ra\nNam-ra\n남라\n최남라",
        "description": (
            "The class president: reserved, top of her year and hard to read. She keeps "
            "her classmates at a distance, but when things fall apart she turns out to "
            "be the one who thinks clearly and takes charge."
        ),
        "actor": "jo-yi-hyun",
        "role": "main",
        "billing_order": 2,
    },
    {
        "slug": "nam-on-jo",
        "name": "Nam On-jo",
        "native_name": "남온조",
        "aliases": "Onjo\nOn Jo\nOn-jo\n온조\n남온조",
        "description": (
            "Cheong-san's neighbour and oldest friend, the daughter of a firefighter. "
            "Kind and clever, she has picked up her father's safety know-how, which "
            "proves useful once the school is overrun."
        ),
        "actor": "park-ji-hu",
        "role": "main",
        "billing_order": 3,
    },
    {
        "slug": "lee-su-hyeok",
        "name": "Lee Su-hyeok",
        "native_name": "이수혁",
        "aliases": "Suhyeok\nSu Hyuk\nSu-hyuk\nSu-hyeok\nLee Su-hyuk\n수혁\n이수혁",
        "description": (
            "A former troublemaker trying to leave his old reputation behind. Calm "
            "and physically capable, he becomes a steady protector for the group, and "
            "he has long been fond of Nam-ra."
        ),
        "actor": "park-solomon",
        "role": "main",
        "billing_order": 4,
    },
    {
        "slug": "yoon-gwi-nam",
        "name": "Yoon Gwi-nam",
        "native_name": "윤귀남",
        "aliases": "Gwinam\nGwi-nam\nGwi Nam\n귀남\n윤귀남",
        "description": (
            "A bully who torments weaker students at Hyosan High for fun. Selfish and "
            "cruel, he looks out for nobody but himself."
        ),
        "actor": "yoo-in-soo",
        "role": "main",
        "billing_order": 5,
    },
    {
        "slug": "lee-byeong-chan",
        "name": "Lee Byeong-chan",
        "native_name": "이병찬",
        "aliases": "Byeong-chan\nByung-chan\nLee Byung-chan\n병찬\n이병찬",
        "description": "A science teacher at Hyosan High School.",
        "actor": "kim-byung-chul",
        "role": "supporting",
        "billing_order": 10,
    },
]

SEASONS: list[Record] = [
    {
        "number": 1,
        "title": "",
        "status": "released",
        "release_date": SEASON_1_RELEASE,
        "renewal_announced_on": None,
        "episode_count": 12,
        "typical_runtime": 60,
        "synopsis": (
            "When a strange infection erupts inside Hyosan High School, ordinary lessons "
            "turn into a desperate fight to stay alive. A group of classmates hole up in "
            "classrooms with no food and no working phones, and must find a way out "
            "while the town around them falls apart."
        ),
    },
    {
        "number": 2,
        "title": "",
        "status": "coming_soon",
        "release_date": None,
        "renewal_announced_on": RENEWAL_DATE,
        "episode_count": None,
        "typical_runtime": None,
        "synopsis": (
            "Netflix has confirmed that the story will continue. Director Lee Jae-gyu "
            "has hinted that where the first season was about people trying to survive, "
            "the second may turn to how the zombies themselves survive. No premiere "
            "date has been set."
        ),
    },
]

# Where each character stands at the end of a season: keyed by (character, season).
# Any status other than "unknown" spoils that season; the models shield it.
CHARACTER_STATUSES: list[Record] = [
    {
        "character": "lee-cheong-san",
        "season": 1,
        "status": "dead",
        "note": (
            "Gave his life so that his friends could escape, and was burned in the fire "
            "that swept Hyosan at the end of the season."
        ),
    },
    {
        "character": "choi-nam-ra",
        "season": 1,
        "status": "half_zombie",
        "note": "Infected yet still herself: part human, part zombie.",
    },
    {"character": "nam-on-jo", "season": 1, "status": "alive", "note": ""},
    {"character": "lee-su-hyeok", "season": 1, "status": "alive", "note": ""},
    {
        "character": "yoon-gwi-nam",
        "season": 1,
        "status": "dead",
        "note": "Did not survive his last clash with Cheong-san.",
    },
    {
        "character": "choi-nam-ra",
        "season": 2,
        "status": "unknown",
        "note": (
            "Expected to appear: the director said season 2 will follow her struggle "
            "to survive as a half-zombie."
        ),
    },
    {
        "character": "lee-cheong-san",
        "season": 2,
        "status": "unknown",
        "note": "Whether he returns is undecided; the director has not ruled it out.",
    },
]

QUOTE_LOOPHOLES = (
    "many directions, settings and scenes were intentionally produced to expand the story "
    "into an additional season, including the introduction of the new races of zombies."
)
QUOTE_SURVIVAL = "first season can be seen as having presented humanity's survival"
QUOTE_CHEONG_SAN = (
    "If Cheongsan were to come back to life, there will be some viewers who won't accept "
    "the situation and some that will like it."
)

# Facts: keyed by (season number, question). "quoted_person" is a person's slug.
FACTS: list[Record] = [
    # Season 1 -----------------------------------------------------------------------
    {
        "season": 1,
        "order": 1,
        "question": "What happened in season 1?",
        "answer": (
            "A virus breaks out at Hyosan High School and tears through the building "
            "within hours, turning students and staff into zombies. The survivors hide "
            "in classrooms, shut off from the outside world with no phones and no food, "
            "and have to fight their own way out while the infection engulfs the rest "
            "of Hyosan. Near the end, Cheong-san sacrifices himself so that the rest of "
            "the group can get away."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": SEASON_1_RELEASE,
        "spoiler_season": 1,
    },
    {
        "season": 1,
        "order": 2,
        "question": "How many episodes did season 1 have?",
        "answer": (
            "Twelve. Most run for roughly an hour, some a few minutes shorter and some "
            "a few minutes longer."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": SEASON_1_RELEASE,
    },
    {
        "season": 1,
        "order": 3,
        "question": "Who starred in season 1?",
        "answer": (
            "The five leads are Yoon Chan-young (Lee Cheong-san), Park Ji-hu "
            "(Nam On-jo), Jo Yi-hyun (Choi Nam-ra), Park Solomon (Lee Su-hyeok) and "
            "Yoo In-soo (Yoon Gwi-nam). The wider cast includes Lee Kyu-hyung, "
            "Kim Byung-chul, Lee Chae-eun, Kim Jin-young, Jeon Bae-soo, Shin Jae-hwi "
            "and Ahn Ji-ho, many of them new faces to international audiences."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": SEASON_1_RELEASE,
    },
    {
        "season": 1,
        "order": 4,
        "question": "What is the series based on?",
        "answer": (
            "It adapts Joo Dong-geun's webtoon Now at Our School (지금 우리 학교는), "
            "which ran for 130 episodes. Director Lee Jae-gyu brought it to the screen "
            "for Netflix."
        ),
        "kind": "official",
        "source_name": NETFLIX,
    },
    {
        "season": 1,
        "order": 5,
        "question": "When was season 1 released?",
        "answer": "All twelve episodes arrived on Netflix together on 28 January 2022.",
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": SEASON_1_RELEASE,
        "milestone": "released",
        "happened_on": SEASON_1_RELEASE,
    },
    # Season 2 -----------------------------------------------------------------------
    {
        "season": 2,
        "order": 1,
        "question": "Has All Of Us Are Dead been renewed for season 2?",
        "answer": (
            "Yes. Netflix confirmed a second season on 6 June 2022, announcing it with "
            "a short teaser."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": RENEWAL_DATE,
        "milestone": "renewed",
        "happened_on": RENEWAL_DATE,
    },
    {
        "season": 2,
        "order": 2,
        "question": "Is there a trailer for season 2?",
        "answer": (
            "Only a teaser so far: Netflix used it on 6 June 2022 to announce that the "
            "show would return. It gives no release date."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": RENEWAL_DATE,
        "milestone": "teaser",
        "happened_on": RENEWAL_DATE,
    },
    {
        "season": 2,
        "order": 3,
        "question": "When will season 2 be released?",
        "answer": (
            "There is no premiere date yet. Netflix says only that the new season is "
            "\u201ccoming soon\u201d. We will add the date here as soon as it is announced."
        ),
        "kind": "official",
        "source_name": NETFLIX,
        "source_date": RENEWAL_DATE,
    },
    {
        "season": 2,
        "order": 4,
        "question": "Was a second season planned from the start?",
        "answer": (
            "The show was first conceived as a limited series, but Lee Jae-gyu says he "
            "always had a sequel in mind. He told interviewers he \u201cintentionally\u201d "
            "left loose threads in season 1 so that the story could grow, and pointed "
            "to the new kinds of zombies it introduced as one of them."
        ),
        "quote": QUOTE_LOOPHOLES,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        "source_name": DIRECTOR_INTERVIEWS,
        "spoiler_season": 1,
    },
    {
        "season": 2,
        "order": 5,
        "question": "What will season 2 be about?",
        "answer": (
            "Lee Jae-gyu describes the first season as a story about human beings "
            "trying to stay alive. The next one, he suggests, is likely to shift the "
            "focus to the \u201csurvival of zombies\u201d."
        ),
        "quote": QUOTE_SURVIVAL,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        "source_name": DIRECTOR_INTERVIEWS,
    },
    {
        "season": 2,
        "order": 6,
        "question": "Will Cheong-san come back?",
        "answer": (
            "Nothing is decided. Cheong-san was burned in the fire at the end of "
            "season 1 after sacrificing himself, so a return looks unlikely, but fans "
            "have asked for one and Lee Jae-gyu has not ruled it out. He admits a "
            "comeback would split the audience, and says he has a firm plan he cannot "
            "reveal yet. Whether a returning Cheong-san would be a zombie who no longer "
            "knows his friends is anyone's guess."
        ),
        "quote": QUOTE_CHEONG_SAN,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        "source_name": DIRECTOR_INTERVIEWS,
        "spoiler_season": 1,
    },
    {
        "season": 2,
        "order": 7,
        "question": "What happens to Nam-ra in season 2?",
        "answer": (
            "Season 1 left Nam-ra half human and half zombie. Following the director's "
            "comments, the new season is expected to follow her as she tries to survive "
            "in that state, and the group may even find themselves back at school."
        ),
        "kind": "press",
        "source_name": PRESS_ON_DIRECTOR,
        "spoiler_season": 1,
    },
]

# Every fact carries the same verification date and the same defaults for what it omits.
FACT_DEFAULTS: Record = {
    "quote": "",
    "quoted_person": None,
    "source_url": "",
    "source_date": None,
    "last_verified_on": LAST_VERIFIED,
    "spoiler_season": None,
    "milestone": "",
    "happened_on": None,
}
