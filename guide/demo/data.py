"""Demo content for "All Of Us Are Dead", as plain data for `manage.py load_demo`.

Facts (names, numbers, dates, attributed quotations) come from the magazine article in
shared/seed/; every sentence of prose here is our own. Each fact names a source a reader
can look up (see SOURCES below). Each record is keyed by a natural key (a slug, a season
number, a question) so that loading it again changes nothing.

No Django imports: guide.demo.loader turns these dictionaries into rows.
"""

import hashlib
from datetime import UTC, date, datetime
from typing import Any

Record = dict[str, Any]

SHOW_SLUG = "all-of-us-are-dead"
DIRECTOR = "lee-jae-gyu"
LAST_VERIFIED = date(2026, 11, 25)
RENEWAL_DATE = date(2022, 6, 6)
SEASON_1_RELEASE = date(2022, 1, 28)

# Sources, as the Fact fields that name them. A reader must be able to find each one:
# outlet, title, and a date and an address wherever we know them. Nothing is guessed.
#
# The seed article: its text gives the headline but neither a date nor an address, so
# it is cited by outlet and headline. It mentions Netflix's teaser of 6 June 2022, so it
# was written after that.
ARTICLE: Record = {
    "source_name": "best-of-netflix.com",
    "source_title": "Everything we know about ‘All Of Us Are Dead’ season 2",
    "source_url": "",
    "source_date": None,
}
# The article does not give season 1's premiere date; this report (Deadline's, as
# syndicated by Yahoo) does.
PREMIERE_REPORT: Record = {
    "source_name": "Deadline, via Yahoo News",
    "source_title": "‘All Of Us Are Dead’ Hits #1 On Netflix In New Milestone For Korean Series",
    "source_url": "https://ca.sports.yahoo.com/news/us-dead-hits-1-netflix-023404196.html",
    "source_date": date(2022, 2, 5),
}
SOURCES: list[Record] = [ARTICLE, PREMIERE_REPORT]

SHOW: Record = {
    "title": "All Of Us Are Dead",
    "original_title": "지금 우리 학교는",
    "title_ko": "지금 우리 학교는",
    "tagline": "One ordinary school day, a virus turns a Korean high school into a trap.",
    "tagline_ko": "평범한 등굣날, 바이러스 하나가 고등학교를 빠져나갈 수 없는 덫으로 만들어요.",
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
    "synopsis_ko": (
        "효산고등학교에서 정체 모를 감염이 시작되더니, 손쓸 틈도 없이 번져 나가요. 몇 "
        "시간 만에 복도는 감염자들 차지가 되고, 살아남은 반 친구 몇 명은 버틸 수 있는 "
        "교실마다 문을 막고 숨어요. 바깥 마을과 연락이 끊기고 구조될 기미도 없는 가운데, "
        "누구를 믿을지, 어떻게 안전한 곳까지 갈지 스스로 답을 찾아야 해요.\n\n"
        "공포 뒤에는 날카로운 학원물이 있어요. 경쟁과 첫사랑, 흔들리는 우정, 그리고 "
        "평범한 날에도 10대들이 짊어지는 압박까지 함께 그려요."
    ),
    "platform": "Netflix",
    "creators": "Lee Jae-gyu (director)",
    "source_title": "Now at Our School",
    "source_original_title": "지금 우리 학교는",
    "source_author": "Joo Dong-geun",
    "source_kind": "webtoon",
    "source_length": "130 episodes",
    "genres": "Horror, Zombie, Thriller, Coming-of-age, Korean drama",
    # The themes the seed article names, each of them, and nothing it does not.
    "content_advisories": (
        "A gruesome zombie story with graphic violence. It also deals with bullying, "
        "peer pressure, intense academic pressure, sexual assault, suicide and revenge "
        "porn (intimate images shared without consent)."
    ),
    "content_advisories_ko": (
        "잔혹한 좀비물로, 폭력 묘사가 사실적이에요. 학교 폭력, 또래 압력, 극심한 입시 "
        "압박, 성폭력, 자살, 그리고 동의 없이 퍼뜨린 사적인 영상(리벤지 포르노)도 다뤄요."
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
        "name_ko": "이재규",
        "aliases": "Lee Jae-kyoo\nLee Jae-kyu\nLee Jae Gyu\nJ.Q. Lee\nJQ Lee\n이재규",
        "bio": "Director of All Of Us Are Dead.",
        "bio_ko": "《지금 우리 학교는》 연출을 맡은 감독이에요.",
    },
    {
        "slug": "yoon-chan-young",
        "name": "Yoon Chan-young",
        "native_name": "윤찬영",
        "name_ko": "윤찬영",
        "aliases": "Yoon Chan Young\nYun Chan-young\nYoon Chan-yeong\n윤찬영",
        "bio": "",
    },
    {
        "slug": "park-ji-hu",
        "name": "Park Ji-hu",
        "native_name": "박지후",
        "name_ko": "박지후",
        "aliases": "Park Ji-hoo\nPark Ji Hu\nPark Jihu\n박지후",
        "bio": "",
    },
    {
        "slug": "jo-yi-hyun",
        "name": "Jo Yi-hyun",
        "native_name": "조이현",
        "name_ko": "조이현",
        "aliases": "Cho Yi-hyun\nCho Yi Hyun\nJo Yi Hyun\nJo I-hyeon\n조이현",
        "bio": "",
    },
    {
        "slug": "park-solomon",
        "name": "Park Solomon",
        "native_name": "박솔로몬",
        "name_ko": "박솔로몬",
        "aliases": "Lomon\n박솔로몬\n로몬",
        "bio": "",
    },
    {
        "slug": "yoo-in-soo",
        "name": "Yoo In-soo",
        "native_name": "유인수",
        "name_ko": "유인수",
        "aliases": "Yoo In Soo\nYu In-su\n유인수",
        "bio": "",
    },
    {
        "slug": "lee-kyu-hyung",
        "name": "Lee Kyu-hyung",
        "native_name": "이규형",
        "name_ko": "이규형",
        "aliases": "Lee Kyu Hyung\nLee Gyu-hyeong\n이규형",
        "bio": "",
    },
    {
        "slug": "kim-byung-chul",
        "name": "Kim Byung-chul",
        "native_name": "김병철",
        "name_ko": "김병철",
        "aliases": "Kim Byung Chul\nKim Byeong-cheol\n김병철",
        "bio": "",
    },
    {
        "slug": "lee-chae-eun",
        "name": "Lee Chae-eun",
        "native_name": "이채은",
        "name_ko": "이채은",
        "aliases": "Lee Chae Eun\n이채은",
        "bio": "",
    },
    {
        "slug": "kim-jin-young",
        "name": "Kim Jin-young",
        "native_name": "김진영",
        "name_ko": "김진영",
        "aliases": "Kim Jin Young\nKim Jin-yeong\n김진영",
        "bio": "",
    },
    {
        "slug": "jeon-bae-soo",
        "name": "Jeon Bae-soo",
        "native_name": "전배수",
        "name_ko": "전배수",
        "aliases": "Jeon Bae Soo\nJun Bae-soo\n전배수",
        "bio": "",
    },
    {
        "slug": "shin-jae-hwi",
        "name": "Shin Jae-hwi",
        "native_name": "신재휘",
        "name_ko": "신재휘",
        "aliases": "Shin Jae Hwi\n신재휘",
        "bio": "",
    },
    {
        "slug": "ahn-ji-ho",
        "name": "Ahn Ji-ho",
        "native_name": "안지호",
        "name_ko": "안지호",
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
        "name_ko": "이청산",
        "aliases": "Cheongsan\nCheong San\nCheong-san\nLee Chung-san\n청산\n이청산",
        "description": (
            "A warm, loyal second-year at Hyosan High who grew up next door to On-jo and "
            "has quietly cared about her for years. Quick to act, he puts himself "
            "between his friends and danger without a second thought."
        ),
        "description_ko": (
            "효산고 2학년으로, 온조네 옆집에서 함께 자라 몇 년째 온조를 말없이 "
            "아껴 온 따뜻하고 의리 있는 친구예요. 몸이 먼저 움직이는 편이라, "
            "친구들에게 위험이 닥치면 망설임 없이 앞을 막아서요."
        ),
        "actor": "yoon-chan-young",
        "role": "main",
        "billing_order": 1,
    },
    {
        "slug": "choi-nam-ra",
        "name": "Choi Nam-ra",
        "native_name": "최남라",
        "name_ko": "최남라",
        "aliases": "Namra\nNam Ra\nNam-ra\n남라\n최남라",
        "description": (
            "The class president: reserved, top of her year and hard to read. She keeps "
            "her classmates at a distance, but when things fall apart she turns out to "
            "be the one who thinks clearly and takes charge."
        ),
        "description_ko": (
            "반장이에요. 말수가 적고 전교 1등인 데다 속을 알기 어려워요. 반 "
            "친구들과 거리를 두지만, 모든 게 무너지자 가장 침착하게 생각하고 "
            "앞장서는 사람이 바로 남라예요."
        ),
        "actor": "jo-yi-hyun",
        "role": "main",
        "billing_order": 2,
    },
    {
        "slug": "nam-on-jo",
        "name": "Nam On-jo",
        "native_name": "남온조",
        "name_ko": "남온조",
        "aliases": "Onjo\nOn Jo\nOn-jo\n온조\n남온조",
        "description": (
            "Cheong-san's neighbour and oldest friend, the daughter of a firefighter. "
            "Kind and clever, she has picked up her father's safety know-how, which "
            "proves useful once the school is overrun."
        ),
        "description_ko": (
            "청산의 이웃이자 가장 오랜 친구로, 소방관의 딸이에요. 다정하고 영리하며 "
            "아빠에게 배운 안전 상식이 몸에 배어 있는데, 학교가 감염자로 가득 차자 "
            "그 상식이 큰 힘이 돼요."
        ),
        "actor": "park-ji-hu",
        "role": "main",
        "billing_order": 3,
    },
    {
        "slug": "lee-su-hyeok",
        "name": "Lee Su-hyeok",
        "native_name": "이수혁",
        "name_ko": "이수혁",
        "aliases": "Suhyeok\nSu Hyuk\nSu-hyuk\nSu-hyeok\nLee Su-hyuk\n수혁\n이수혁",
        "description": (
            "A former troublemaker trying to leave his old reputation behind. Calm "
            "and physically capable, he becomes a steady protector for the group, and "
            "he has long been fond of Nam-ra."
        ),
        "description_ko": (
            "예전의 평판에서 벗어나려 애쓰는 전직 문제아예요. 침착하고 몸이 날래서 "
            "무리를 든든하게 지키고, 오래전부터 남라를 좋아해 왔어요."
        ),
        "actor": "park-solomon",
        "role": "main",
        "billing_order": 4,
    },
    {
        "slug": "yoon-gwi-nam",
        "name": "Yoon Gwi-nam",
        "native_name": "윤귀남",
        "name_ko": "윤귀남",
        "aliases": "Gwinam\nGwi-nam\nGwi Nam\n귀남\n윤귀남",
        "description": (
            "A bully who torments weaker students at Hyosan High for fun. Selfish and "
            "cruel, he looks out for nobody but himself."
        ),
        "description_ko": (
            "효산고에서 약한 학생들을 재미로 괴롭히는 가해자예요. 이기적이고 "
            "잔인해서, 자기 말고는 아무도 챙기지 않아요."
        ),
        "actor": "yoo-in-soo",
        "role": "main",
        "billing_order": 5,
    },
    {
        "slug": "lee-byeong-chan",
        "name": "Lee Byeong-chan",
        "native_name": "이병찬",
        "name_ko": "이병찬",
        "aliases": "Byeong-chan\nByung-chan\nLee Byung-chan\n병찬\n이병찬",
        "description": "A science teacher at Hyosan High School.",
        "description_ko": "효산고등학교의 과학 선생님이에요.",
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
        # Forecasts on season 1 closed the evening before it premiered.
        "forecasts_lock_at": datetime(2022, 1, 27, 15, 0, tzinfo=UTC),
        "synopsis": (
            "When a strange infection erupts inside Hyosan High School, ordinary lessons "
            "turn into a desperate fight to stay alive. A group of classmates hole up in "
            "classrooms with no food and no working phones, and must find a way out "
            "while the town around them falls apart."
        ),
        "synopsis_ko": (
            "효산고등학교 안에서 이상한 감염이 터지자, 평범하던 수업 시간이 살아남기 위한 "
            "사투로 바뀌어요. 반 친구 몇 명이 먹을 것도, 되는 전화도 없이 교실에 갇혀 "
            "버티고, 주변 마을까지 무너져 가는 사이 빠져나갈 길을 찾아야 해요."
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
        "synopsis_ko": (
            "넷플릭스가 이야기가 이어진다고 공식 발표했어요. 이재규 감독은 첫 시즌이 "
            "살아남으려는 사람들의 이야기였다면, 두 번째 시즌은 좀비들이 어떻게 살아남는지로 "
            "눈을 돌릴 수도 있다고 귀띔했어요. 공개일은 아직 정해지지 않았어요."
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
            "at the end of the season. Fans have asked for him back and director "
            "Lee Jae-gyu has not ruled it out, but nothing is decided."
        ),
        "note_ko": (
            "친구들이 탈출할 수 있도록 목숨을 바쳤고, 시즌 마지막 화재 속에서 불길에 "
            "휩싸였어요. 팬들은 그가 돌아오길 바라고 이재규 감독도 가능성을 닫지 않았지만, "
            "정해진 건 없어요."
        ),
    },
    {
        "character": "choi-nam-ra",
        "season": 1,
        "status": "half_zombie",
        "note": "Infected yet still herself: part human, part zombie.",
        "note_ko": "감염됐지만 여전히 자기 자신이에요. 반은 사람, 반은 좀비예요.",
    },
    {"character": "nam-on-jo", "season": 1, "status": "alive", "note": ""},
    {"character": "lee-su-hyeok", "season": 1, "status": "alive", "note": ""},
    {
        "character": "yoon-gwi-nam",
        "season": 1,
        "status": "dead",
        "note": "Did not survive his last clash with Cheong-san.",
        "note_ko": "청산과의 마지막 싸움에서 살아남지 못했어요.",
    },
    # Expecting her back gives away that she is still around after season 1, so the
    # shield keeps this note from readers who have not watched season 1.
    {
        "character": "choi-nam-ra",
        "season": 2,
        "status": "unknown",
        "note": "Expected back: a magazine preview of season 2 says the story stays with her.",
        "note_ko": (
            "돌아올 것으로 보여요. 시즌 2를 미리 살펴본 잡지 기사는 이야기가 계속 남라를 "
            "따라간다고 전해요."
        ),
    },
]

# A season's status row says the character appears in that season. Cheong-san's return
# is undecided, so he has none for season 2; an older demo gave him one, and the loader
# removes it. Keyed like CHARACTER_STATUSES: (character, season).
WITHDRAWN_CHARACTER_STATUSES: list[tuple[str, int]] = [("lee-cheong-san", 2)]

QUOTE_LOOPHOLES = (
    "many directions, settings and scenes were intentionally produced to expand the story "
    "into an additional season, including the introduction of the new races of zombies."
)
QUOTE_SURVIVAL = "first season can be seen as having presented humanity's survival"
QUOTE_CHEONG_SAN = (
    "If Cheongsan were to come back to life, there will be some viewers who won't accept "
    "the situation and some that will like it."
)

# Facts: keyed by (season number, question). "quoted_person" is a person's slug; each
# fact takes its source fields from one of SOURCES.
FACTS: list[Record] = [
    # Season 1 -----------------------------------------------------------------------
    {
        "season": 1,
        "order": 1,
        "question": "What happened in season 1?",
        "question_ko": "시즌 1에서는 무슨 일이 있었나요?",
        "answer": (
            "A virus breaks out at Hyosan High School and spreads through the building "
            "at frightening speed, turning students into zombies. The survivors hide "
            "in classrooms, cut off from the outside world with no phones and no food, "
            "and have to fight for their lives while the outbreak overwhelms the rest "
            "of Hyosan. Near the end, Cheong-san sacrifices himself so that the rest of "
            "the group can get away."
        ),
        "answer_ko": (
            "효산고등학교에서 바이러스가 퍼지기 시작해 무서운 속도로 건물 전체에 번지고, "
            "학생들이 좀비로 변해요. 살아남은 학생들은 전화도 먹을 것도 없이 바깥세상과 "
            "끊긴 채 교실에 숨어 목숨을 건 싸움을 이어 가고, 그사이 감염은 효산 전체를 "
            "덮쳐요. 마지막 무렵 청산은 나머지 친구들이 빠져나갈 수 있도록 스스로를 희생해요."
        ),
        "kind": "official",
        **ARTICLE,
        "spoiler_season": 1,
    },
    {
        "season": 1,
        "order": 2,
        "question": "How many episodes did season 1 have?",
        "question_ko": "시즌 1은 몇 부작이었나요?",
        "answer": "Twelve. Each runs for about an hour, a few minutes either side.",
        "answer_ko": "12부작이에요. 회마다 한 시간 안팎이에요.",
        "kind": "official",
        **ARTICLE,
    },
    {
        "season": 1,
        "order": 3,
        "question": "Who starred in season 1?",
        "question_ko": "시즌 1에는 누가 출연했나요?",
        "answer": (
            "The five leads are Yoon Chan-young (Lee Cheong-san), Park Ji-hu "
            "(Nam On-jo), Jo Yi-hyun (Choi Nam-ra), Park Solomon (Lee Su-hyeok) and "
            "Yoo In-soo (Yoon Gwi-nam). Around them is a mix of seasoned actors and "
            "newcomers, among them Lee Kyu-hyung, Kim Byung-chul, Lee Chae-eun, "
            "Kim Jin-young, Jeon Bae-soo, Shin Jae-hwi and Ahn Ji-ho."
        ),
        "answer_ko": (
            "주연 다섯 명은 윤찬영(이청산), 박지후(남온조), 조이현(최남라), 박솔로몬(이수혁), "
            "유인수(윤귀남)예요. 그 곁을 관록 있는 배우와 신인들이 함께 채웠는데, 이규형, "
            "김병철, 이채은, 김진영, 전배수, 신재휘, 안지호 등이 출연했어요."
        ),
        "kind": "official",
        **ARTICLE,
    },
    {
        "season": 1,
        "order": 4,
        "question": "What is the series based on?",
        "question_ko": "원작이 있나요?",
        "answer": (
            "It adapts Joo Dong-geun's webtoon Now at Our School (지금 우리 학교는), "
            "which ran for 130 episodes. Director Lee Jae-gyu brought it to the screen "
            "for Netflix."
        ),
        "answer_ko": (
            "주동근 작가의 웹툰 《지금 우리 학교는》 원작 드라마예요. 130화에 걸쳐 연재된 "
            "웹툰을 이재규 감독이 넷플릭스 시리즈로 옮겼어요."
        ),
        "kind": "official",
        **ARTICLE,
    },
    {
        "season": 1,
        "order": 5,
        "question": "When was season 1 released?",
        "question_ko": "시즌 1은 언제 공개됐나요?",
        "answer": "Season 1 premiered on Netflix on 28 January 2022.",
        "answer_ko": "시즌 1은 2022년 1월 28일 넷플릭스에서 공개됐어요.",
        "kind": "official",
        **PREMIERE_REPORT,
        "milestone": "released",
        "happened_on": SEASON_1_RELEASE,
    },
    # Season 2 -----------------------------------------------------------------------
    {
        "season": 2,
        "order": 1,
        "question": "Has All Of Us Are Dead been renewed for season 2?",
        "question_ko": "《지금 우리 학교는》 시즌 2 제작이 확정됐나요?",
        "answer": "Yes. Netflix announced a second season on 6 June 2022 with a teaser trailer.",
        "answer_ko": "네. 넷플릭스가 2022년 6월 6일 티저 예고편과 함께 두 번째 시즌을 발표했어요.",
        "kind": "official",
        **ARTICLE,
        "milestone": "renewed",
        "happened_on": RENEWAL_DATE,
    },
    {
        "season": 2,
        "order": 2,
        "question": "Is there a trailer for season 2?",
        "question_ko": "시즌 2 예고편이 있나요?",
        "answer": (
            "A teaser: Netflix used it on 6 June 2022 to announce that the show would "
            "return. It gives no release date."
        ),
        "answer_ko": (
            "티저가 있어요. 넷플릭스는 2022년 6월 6일 이 티저로 시리즈가 돌아온다고 알렸어요. "
            "공개일은 나오지 않아요."
        ),
        "kind": "official",
        **ARTICLE,
        "milestone": "teaser",
        "happened_on": RENEWAL_DATE,
    },
    {
        "season": 2,
        "order": 3,
        "question": "When will season 2 be released?",
        "question_ko": "시즌 2는 언제 공개되나요?",
        "answer": (
            "There is no premiere date yet. When the article we cite was written, "
            "Netflix had promised only that the new season is \u201ccoming soon\u201d. "
            "We will add the date here once it is announced."
        ),
        "answer_ko": (
            "아직 공개일이 정해지지 않았어요. 저희가 인용한 기사가 쓰일 때까지 넷플릭스는 "
            "새 시즌이 \u2018곧 공개\u2019 예정이라고만 밝혔어요. 날짜가 발표되면 여기에 "
            "바로 더할게요."
        ),
        "kind": "official",
        **ARTICLE,
    },
    {
        "season": 2,
        "order": 4,
        "question": "Was a second season planned from the start?",
        "question_ko": "처음부터 두 번째 시즌을 염두에 뒀나요?",
        "answer": (
            "All Of Us Are Dead was first meant to be a limited series, but Lee Jae-gyu "
            "always had a second season in mind. He has said that he left loose ends in "
            "season 1 \u201cintentionally\u201d so that the story could grow, and names "
            "the new kinds of zombies it introduced as one of them."
        ),
        "answer_ko": (
            "원래는 한 시즌으로 끝나는 리미티드 시리즈로 기획됐지만, 이재규 감독은 늘 두 번째 "
            "시즌을 생각하고 있었어요. 이야기가 더 뻗어 나갈 수 있도록 시즌 1에 \u2018일부러\u2019 "
            "실마리를 남겨 두었다고 밝혔고, 새로 등장한 좀비 종류를 그 예로 들었어요."
        ),
        "quote": QUOTE_LOOPHOLES,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        **ARTICLE,
        "spoiler_season": 1,
    },
    {
        "season": 2,
        "order": 5,
        "question": "What will season 2 be about?",
        "question_ko": "시즌 2는 어떤 이야기가 될까요?",
        "answer": (
            "Lee Jae-gyu describes the first season as a story about human beings "
            "trying to stay alive. The next one, he suggests, is likely to turn to the "
            "\u201csurvival of zombies\u201d."
        ),
        "answer_ko": (
            "이재규 감독은 첫 시즌을 살아남으려는 인간들의 이야기라고 설명해요. 다음 시즌은 "
            "\u2018좀비의 생존\u2019 쪽으로 눈을 돌릴 가능성이 크다고 내비쳤어요."
        ),
        "quote": QUOTE_SURVIVAL,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        **ARTICLE,
    },
    {
        "season": 2,
        "order": 6,
        "question": "Will Cheong-san come back?",
        "question_ko": "청산이 돌아올까요?",
        "answer": (
            "Undecided. Season 1 ended with Cheong-san giving his life for his friends "
            "and burning in the fire, which makes a return look unlikely. Fans have "
            "asked for him anyway, and director Lee Jae-gyu has not ruled it out: he "
            "expects a comeback would divide viewers, and says he has a definite plan "
            "that he cannot share yet. It is not known whether a returning Cheong-san "
            "would be a zombie who no longer recognises his friends."
        ),
        "answer_ko": (
            "정해지지 않았어요. 시즌 1은 청산이 친구들을 위해 목숨을 바치고 불길 속에 사라지며 "
            "끝났기 때문에, 돌아오기는 어려워 보여요. 그래도 팬들은 그의 귀환을 바라고 있고, "
            "이재규 감독도 가능성을 닫지 않았어요. 감독은 청산이 돌아오면 시청자 반응이 갈릴 "
            "거라고 보면서, 아직 밝힐 수 없는 분명한 계획이 있다고 말했어요. 돌아온 청산이 "
            "친구들을 알아보지 못하는 좀비일지는 알려지지 않았어요."
        ),
        "quote": QUOTE_CHEONG_SAN,
        "quoted_person": DIRECTOR,
        "kind": "interview",
        **ARTICLE,
        "spoiler_season": 1,
    },
    {
        "season": 2,
        "order": 7,
        "question": "What happens to Nam-ra in season 2?",
        "question_ko": "시즌 2에서 남라는 어떻게 되나요?",
        "answer": (
            "Season 1 left Nam-ra half human and half zombie. The magazine preview we "
            "cite expects the new season to follow her as she tries to survive that "
            "way, and thinks the group may even end up back at school."
        ),
        "answer_ko": (
            "시즌 1이 끝났을 때 남라는 반은 사람, 반은 좀비였어요. 저희가 인용한 잡지의 시즌 2 "
            "미리 보기는 새 시즌이 그런 모습으로 살아남으려는 남라를 따라갈 거라고 내다보고, "
            "무리가 다시 학교로 돌아갈 수도 있다고 봐요."
        ),
        "kind": "press",
        **ARTICLE,
        "spoiler_season": 1,
    },
]

# Every fact carries the same verification date and the same defaults for what it omits.
FACT_DEFAULTS: Record = {
    "quote": "",
    "quoted_person": None,
    "last_verified_on": LAST_VERIFIED,
    "spoiler_season": None,
    "milestone": "",
    "happened_on": None,
}


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Demo fans: accounts keyed by username. The loader gives each one an unusable password
# when it creates it, so nobody can sign in as a demo fan.
FANS: list[Record] = [
    {
        "username": "hyosan_survivor",
        "display_name": "Hyosan Survivor",
        "bio": "Watched the whole first season in one night with every light in the flat on.",
        "date_joined": _at(2021, 12, 10, 20, 15),
    },
    {
        "username": "webtoon_reader",
        "display_name": "Webtoon Reader",
        "bio": "Read Now at Our School long before Netflix did; happy to compare the two.",
        "date_joined": _at(2021, 12, 14, 9, 40),
    },
    {
        "username": "rooftop_lookout",
        "display_name": "Rooftop Lookout",
        "bio": "Always scanning the skyline for the next helicopter, and the next season.",
        "date_joined": _at(2022, 1, 3, 22, 5),
    },
    {
        "username": "quarantine_zone",
        "display_name": "Quarantine Zone",
        "bio": "Trusts no official statement, on screen or off it.",
        "date_joined": _at(2022, 1, 9, 7, 30),
    },
    {
        "username": "firefighters_kid",
        "display_name": "Firefighter's Kid",
        "bio": "Here for the characters who keep a cool head when the alarms go off.",
        "date_joined": _at(2022, 2, 2, 18, 0),
    },
    {
        "username": "lab_notes",
        "display_name": "Lab Notes",
        "bio": "More curious about how the virus works than is probably healthy.",
        "date_joined": _at(2022, 6, 6, 11, 20),
    },
    {
        "username": "seoul_night_owl",
        "display_name": "Night Owl",
        "bio": "K-drama fan across three time zones; zombie stories are a newer habit.",
        "date_joined": _at(2022, 8, 19, 2, 45),
    },
]

# The moment moderators marked the season-1 predictions, a week after the premiere.
SEASON_1_VERDICTS_AT = _at(2022, 2, 4, 10, 0)

# Theories: keyed by (season number, title). "author" is a fan's username, "characters"
# are character slugs. "approval" (per cent) steers the demo fans' deterministic votes.
THEORY_DEFAULTS: Record = {
    "language": "en",
    "characters": [],
    "spoiler_season": None,
    "spoiler_free_title": "",
    "outcome": "open",
    "outcome_note": "",
    "outcome_set_at": None,
    "approval": 75,
}

THEORIES: list[Record] = [
    # Season 1: posted before the premiere, settled once it aired. Each verdict tells
    # how the season went, so every one of them is a season-1 spoiler.
    {
        "season": 1,
        "title": "Someone in the group will turn, but keep their mind",
        "spoiler_free_title": "A twist in how the infection works",
        "author": "hyosan_survivor",
        "created_at": _at(2021, 12, 18, 21, 10),
        "characters": [],
        "spoiler_season": 1,
        "body": (
            "Every zombie story eventually asks what happens when one of *our* people "
            "gets bitten. My bet is that this show answers it differently: one of the "
            "students is infected and does not lose themselves.\n\n"
            "A character stuck between the two sides would give the writers far more "
            "to play with than another tearful goodbye, and it would leave the door open "
            "for more seasons."
        ),
        "outcome": "confirmed",
        "outcome_note": (
            "Nam-ra is infected and ends the season as a half-zombie who still thinks "
            "and feels like herself."
        ),
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 85,
    },
    {
        "season": 1,
        "title": "Cheong-san will sacrifice himself for the others",
        "spoiler_free_title": "A prediction about Cheong-san's choices",
        "author": "hyosan_survivor",
        "created_at": _at(2022, 1, 20, 19, 45),
        "characters": ["lee-cheong-san", "nam-on-jo"],
        "spoiler_season": 1,
        "body": (
            "The trailer keeps showing him putting himself in front of everyone else. "
            "That is usually how a show prepares you to lose someone.\n\n"
            "I think he stays behind at the worst possible moment so the rest can get "
            "away, and On-jo has to keep going without him."
        ),
        "outcome": "confirmed",
        "outcome_note": (
            "He holds back the danger so that his friends can escape, and does not survive it."
        ),
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 80,
    },
    {
        "season": 1,
        "title": "On-jo's safety know-how will save the group more than once",
        "spoiler_free_title": "On-jo's skills will matter",
        "author": "webtoon_reader",
        "created_at": _at(2022, 1, 11, 8, 25),
        "characters": ["nam-on-jo"],
        "spoiler_season": 1,
        "body": (
            "Her father is a firefighter, and the show would not mention that for "
            "nothing. Expect her to know things the others do not:\n\n"
            "- which doors and stairwells hold in an emergency,\n"
            "- how to signal for help without phones,\n"
            "- how to keep calm when nobody else can.\n\n"
            "She is the quiet engine of the group, not just the love interest."
        ),
        "outcome": "confirmed",
        "outcome_note": (
            "What she learned from her father gets the group through several tight "
            "spots once the school is overrun."
        ),
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 90,
    },
    {
        "season": 1,
        "title": "Gwi-nam becomes something worse than a zombie",
        "spoiler_free_title": "A prediction about Gwi-nam",
        "author": "webtoon_reader",
        "created_at": _at(2022, 1, 14, 23, 5),
        "characters": ["yoon-gwi-nam"],
        "spoiler_season": 1,
        "body": (
            "A bully like Gwi-nam is not going to go quietly. If he gets infected, I "
            "expect him to come back *stronger*, meaner and still bent on getting even "
            "with the students he tormented.\n\n"
            "He could end up the real villain of the back half of the season."
        ),
        "outcome": "partly",
        "outcome_note": (
            "He does return tougher and crueller than an ordinary zombie, but not for "
            "long: he dies in his final fight with Cheong-san."
        ),
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 65,
    },
    {
        "season": 1,
        "title": "All five leads make it to the final episode",
        "spoiler_free_title": "A prediction about the five leads",
        "author": "rooftop_lookout",
        "created_at": _at(2022, 1, 6, 17, 30),
        "characters": [
            "lee-cheong-san",
            "choi-nam-ra",
            "nam-on-jo",
            "lee-su-hyeok",
            "yoon-gwi-nam",
        ],
        "spoiler_season": 1,
        "body": (
            "Netflix would not build a whole poster around five faces only to kill them "
            "off. Side characters will drop like flies, but the main five reach the end "
            "of episode 12 in one piece.\n\n"
            "Call it plot armour if you like. I call it marketing."
        ),
        "outcome": "debunked",
        "outcome_note": "Neither Cheong-san nor Gwi-nam is alive when the season ends.",
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 35,
    },
    {
        "season": 1,
        "title": "The outbreak never leaves the school gates",
        "spoiler_free_title": "How far the outbreak spreads",
        "author": "quarantine_zone",
        "created_at": _at(2022, 1, 24, 13, 50),
        "characters": [],
        "spoiler_season": 1,
        "body": (
            "The Korean title is literally about *our school*, and I take that at its "
            "word. The "
            "authorities lock the place down early, and the whole story plays out "
            "inside one building.\n\n"
            "Small settings are cheaper and scarier, and that is exactly what a "
            "first season needs."
        ),
        "outcome": "debunked",
        "outcome_note": (
            "The infection spreads well beyond Hyosan High and overwhelms the whole town."
        ),
        "outcome_set_at": SEASON_1_VERDICTS_AT,
        "approval": 40,
    },
    # Season 2: open until it airs. Most of them build on how season 1 ended.
    {
        # A fan who writes in Korean: the list's language filter and the pages' lang marks.
        "season": 2,
        "language": "ko",
        "title": "시즌 2는 학교 밖 격리 구역에서 시작해요",
        "spoiler_free_title": "시즌 2의 첫 무대에 대한 예측",
        "author": "seoul_night_owl",
        "created_at": _at(2022, 8, 21, 23, 40),
        "characters": ["nam-on-jo"],
        "spoiler_season": 1,
        "body": (
            "시즌 1은 효산시 전체가 봉쇄되는 데서 끝났어요. 살아남은 아이들이 다시 학교로 "
            "돌아갈 이유는 별로 없어 보여요.\n\n"
            "그래서 저는 다음 시즌이 군이 관리하는 격리 구역에서 시작할 거라고 봐요. "
            "감염 여부를 가리는 검사 장면으로 문을 열면 새 인물과 새 갈등을 한꺼번에 "
            "보여 줄 수 있으니까요."
        ),
        "approval": 70,
    },
    {
        "season": 2,
        "title": "Cheong-san comes back, but not as the boy On-jo knew",
        "spoiler_free_title": "Cheong-san in season 2, take one",
        "author": "hyosan_survivor",
        "created_at": _at(2022, 6, 9, 20, 0),
        "characters": ["lee-cheong-san", "nam-on-jo"],
        "spoiler_season": 1,
        "body": (
            "The director has been careful never to say no to a return:\n\n"
            f"> {QUOTE_CHEONG_SAN}\n"
            "> — Lee Jae-gyu\n\n"
            "That sounds like someone who knows part of the audience will hate what he "
            "has planned. My guess is that Cheong-san is back as a zombie who does not "
            "recognise his friends, and the heartbreak is On-jo facing him anyway."
        ),
        "approval": 80,
    },
    {
        "season": 2,
        "title": "Cheong-san stays gone, and the season is better for it",
        "spoiler_free_title": "Cheong-san in season 2, take two",
        "author": "webtoon_reader",
        "created_at": _at(2022, 7, 2, 9, 15),
        "characters": ["lee-cheong-san"],
        "spoiler_season": 1,
        "body": (
            "He was burned in the fire at the end of season 1. Undoing that would "
            "cheapen the most moving scene in the show.\n\n"
            "I expect him to appear only in memories and flashbacks, and for his "
            "absence to shape everyone who survived him."
        ),
        "approval": 60,
    },
    {
        "season": 2,
        "title": "Cheong-san returns as a half-zombie, like Nam-ra",
        "spoiler_free_title": "Cheong-san in season 2, take three",
        "author": "seoul_night_owl",
        "created_at": _at(2023, 3, 14, 1, 30),
        "characters": ["lee-cheong-san", "choi-nam-ra"],
        "spoiler_season": 1,
        "body": (
            "All we saw at the end was the fire. If the infection had already reached "
            "him and left him the way it left Nam-ra, he may have been much harder to "
            "kill than anyone assumed.\n\n"
            "It would explain how the director could bring him back *without* simply "
            "reversing his death, and it would give Nam-ra someone who understands."
        ),
        "approval": 55,
    },
    {
        "season": 2,
        "title": "Nam-ra learns to live with the hunger",
        "spoiler_free_title": "Where Nam-ra's story goes next",
        "author": "firefighters_kid",
        "created_at": _at(2022, 9, 23, 18, 40),
        "characters": ["choi-nam-ra"],
        "spoiler_season": 1,
        "body": (
            "Season 1 left her half human and half zombie, and everything we have heard "
            "says season 2 follows her as she tries to survive that way.\n\n"
            "I think the real horror will be quiet and daily: hiding the craving, "
            "testing how long she can go, and deciding whom she can tell. The monster "
            "she has to beat is *inside* her."
        ),
        "approval": 90,
    },
    {
        "season": 2,
        "title": 'The "new races of zombies" are only getting started',
        "author": "lab_notes",
        "created_at": _at(2023, 8, 5, 15, 10),
        "characters": [],
        "spoiler_season": None,
        "body": (
            "Notice the plural in what the director said about the first season:\n\n"
            "> many directions, settings and scenes were intentionally produced to "
            "expand the story into an additional season, including the introduction of "
            "the new races of zombies.\n"
            "> — Lee Jae-gyu\n\n"
            "If the loose ends were planted on purpose, I expect several kinds of "
            "infected in season 2, each with its own rules:\n\n"
            "- faster ones,\n"
            "- ones that remember who they were,\n"
            "- ones that can pass for human in a crowd."
        ),
        "approval": 75,
    },
    {
        "season": 2,
        "title": "Season 2 tells the story from the zombies' side",
        "author": "rooftop_lookout",
        "created_at": _at(2024, 2, 11, 12, 0),
        "characters": [],
        "spoiler_season": None,
        "body": (
            "Lee Jae-gyu has described the first season as being about humanity's "
            "survival, and suggested the next could be about the *survival of zombies*.\n\n"
            "Taken at face value, that means we spend the season with the infected: "
            "what they want, how they hide, and who hunts them. The humans might turn "
            "out to be the frightening ones this time."
        ),
        "approval": 85,
    },
    {
        "season": 2,
        "title": "The survivors end up back at Hyosan High",
        "spoiler_free_title": "Where season 2 takes the survivors",
        "author": "hyosan_survivor",
        "created_at": _at(2024, 7, 30, 21, 25),
        "characters": ["nam-on-jo", "lee-su-hyeok", "choi-nam-ra"],
        "spoiler_season": 1,
        "body": (
            "One season-2 preview guesses that the group may go back to school. "
            "I think they go back on purpose: whatever caused the outbreak started in "
            "that building, and the answers are still there.\n\n"
            "Walking those corridors again would be the scariest thing the show could "
            "ask of On-jo and Su-hyeok."
        ),
        "approval": 70,
    },
    {
        "season": 2,
        "title": "Su-hyeok and Nam-ra end up on opposite sides",
        "spoiler_free_title": "Su-hyeok and Nam-ra in season 2",
        "author": "firefighters_kid",
        "created_at": _at(2025, 1, 17, 19, 5),
        "characters": ["lee-su-hyeok", "choi-nam-ra"],
        "spoiler_season": 1,
        "body": (
            "He has cared about her for years, and she is no longer entirely human. "
            "Sooner or later someone will ask Su-hyeok to choose between her and "
            "everyone else.\n\n"
            "I do not think he abandons her. I think he ends up protecting her *from* "
            "the people he used to stand with."
        ),
        "approval": 65,
    },
    {
        "season": 2,
        "title": "On-jo's grief turns into a search for the truth",
        "spoiler_free_title": "On-jo's season 2 arc",
        "author": "webtoon_reader",
        "created_at": _at(2025, 5, 8, 10, 45),
        "characters": ["nam-on-jo", "lee-cheong-san"],
        "spoiler_season": 1,
        "body": (
            "She lost her oldest friend right when she finally understood what he meant "
            "to her. Grief like that either freezes a person or drives them.\n\n"
            "I see her digging into how the outbreak began and who let it happen, "
            "because finding someone to blame is easier than accepting that "
            "Cheong-san is gone."
        ),
        "approval": 70,
    },
    {
        "season": 2,
        "title": "The quarantine of Hyosan was a cover-up",
        "spoiler_free_title": "What the authorities were hiding",
        "author": "quarantine_zone",
        "created_at": _at(2025, 10, 2, 16, 20),
        "characters": [],
        "spoiler_season": 1,
        "body": (
            "Season 1 showed a whole town falling while the outside world argued about "
            "what to do. Nobody in charge has answered for that yet.\n\n"
            "My theory: the authorities knew more than they admitted, the official "
            "story about the outbreak is false, and season 2 is about survivors "
            "proving it while someone powerful tries to keep them quiet."
        ),
        "approval": 60,
    },
    {
        "season": 2,
        "title": "The new season opens years later",
        "author": "seoul_night_owl",
        "created_at": _at(2026, 5, 21, 3, 10),
        "characters": [],
        "spoiler_season": None,
        "body": (
            "The cast has grown up since the first season was filmed, and pretending "
            "otherwise would be hard. A jump of a few years solves that neatly.\n\n"
            "It also lets the show skip the immediate aftermath and show a country that "
            "has had time to decide what to do about the infected."
        ),
        "approval": 55,
    },
    {
        "season": 2,
        "title": "Nam-ra is not the only half-zombie out there",
        "spoiler_free_title": "New kinds of infected in season 2",
        "author": "lab_notes",
        "created_at": _at(2026, 11, 12, 14, 35),
        "characters": ["choi-nam-ra"],
        "spoiler_season": 1,
        "body": (
            "If her body fought the virus to a draw, other bodies can too. Somewhere "
            "among the people who were infected in Hyosan there must be others like "
            "her, hiding in plain sight.\n\n"
            "Meeting them would force Nam-ra to decide whether she belongs with the "
            "humans or with *them*."
        ),
        "approval": 80,
    },
]

# Comments: keyed by (theory title, author, body). "after_days" dates each one after its
# theory was posted; "reply_to" names, by its text, the earlier comment a reply answers.
COMMENTS: list[Record] = [
    {
        "theory": "Someone in the group will turn, but keep their mind",
        "author": "webtoon_reader",
        "body": "Called it weeks before the premiere. Respect.",
        "spoiler_season": None,
        "after_days": 48,
    },
    {
        "theory": "Cheong-san will sacrifice himself for the others",
        "author": "firefighters_kid",
        "body": ("I wanted this one to be wrong so badly. His goodbye to On-jo still gets me."),
        "spoiler_season": 1,
        "after_days": 16,
    },
    {
        "theory": "All five leads make it to the final episode",
        "author": "quarantine_zone",
        "body": "Bold of you to trust a poster.",
        "spoiler_season": None,
        "after_days": 3,
    },
    {
        "theory": "All five leads make it to the final episode",
        "author": "rooftop_lookout",
        "body": "In my defence, I did not think they would be this cruel.",
        "spoiler_season": None,
        "after_days": 30,
        "reply_to": "Bold of you to trust a poster.",
    },
    {
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "author": "seoul_night_owl",
        "body": (
            "If he does come back as a zombie, I hope On-jo is the one who reaches him. "
            "Anyone else would feel wrong."
        ),
        "spoiler_season": 1,
        "after_days": 75,
    },
    {
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "author": "webtoon_reader",
        "body": "He was *burned*. I am not sure even a zombie comes back from that.",
        "spoiler_season": 1,
        "after_days": 5,
    },
    {
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "author": "lab_notes",
        "body": (
            "Nobody saw a body, though. This show taught me never to trust an ending "
            "that happens off screen."
        ),
        "spoiler_season": 1,
        "after_days": 6,
        "reply_to": "He was *burned*. I am not sure even a zombie comes back from that.",
    },
    {
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "author": "webtoon_reader",
        "body": "Fair. I will believe he is gone when the season 2 credits roll.",
        "spoiler_season": None,
        "after_days": 7,
        "reply_to": (
            "Nobody saw a body, though. This show taught me never to trust an ending "
            "that happens off screen."
        ),
    },
    {
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "author": "quarantine_zone",
        "body": "Screenshotting this thread for the day the moderators settle it.",
        "spoiler_season": None,
        "after_days": 9,
        "reply_to": "Fair. I will believe he is gone when the season 2 credits roll.",
    },
    {
        "theory": "Nam-ra learns to live with the hunger",
        "author": "lab_notes",
        "body": (
            "Imagine a whole episode that is just her sitting through an ordinary "
            "school day. No hordes needed."
        ),
        "spoiler_season": None,
        "after_days": 11,
    },
    {
        "theory": "Season 2 tells the story from the zombies' side",
        "author": "quarantine_zone",
        "body": "Humans being the real monsters would fit this show perfectly.",
        "spoiler_season": None,
        "after_days": 1,
    },
    {
        "theory": 'The "new races of zombies" are only getting started',
        "author": "hyosan_survivor",
        "body": "The one that passes for human is the version that would scare me most.",
        "spoiler_season": None,
        "after_days": 4,
    },
    {
        "theory": "Su-hyeok and Nam-ra end up on opposite sides",
        "author": "hyosan_survivor",
        "body": (
            "He would walk through fire for her. Opposite sides from everyone else, "
            "maybe, but never from Nam-ra."
        ),
        "spoiler_season": 1,
        "after_days": 6,
    },
    {
        "theory": "The quarantine of Hyosan was a cover-up",
        "author": "rooftop_lookout",
        "body": "Your username really is your whole personality, isn't it? Still, fair point.",
        "spoiler_season": None,
        "after_days": 2,
    },
    {
        "theory": "The new season opens years later",
        "author": "firefighters_kid",
        "body": "A time jump would also explain a lot of new faces around the survivors.",
        "spoiler_season": None,
        "after_days": 9,
    },
]


def vote_of(username: str, title: str, approval: int) -> int:
    """How a demo fan votes on a theory: +1, -1 or 0 (no vote). Same answer every run.

    A hash of the pair, not random numbers: about five fans in six vote, and about
    `approval` per cent of those vote up.
    """
    digest = int.from_bytes(hashlib.sha256(f"{username}\n{title}".encode()).digest()[:8])
    if digest % 6 == 0:
        return 0
    return 1 if (digest // 6) % 100 < approval else -1


def planned_votes() -> list[Record]:
    """Every demo vote: each fan on most theories, never on their own."""
    votes = []
    for record in THEORIES:
        approval = record.get("approval", THEORY_DEFAULTS["approval"])
        for fan in FANS:
            if fan["username"] == record["author"]:
                continue
            value = vote_of(fan["username"], record["title"], approval)
            if value:
                votes.append(
                    {
                        "user": fan["username"],
                        "season": record["season"],
                        "title": record["title"],
                        "value": value,
                    }
                )
    return votes


# Predictions ----------------------------------------------------------------------------
# Claims the season settles: a theory's (its author states it) or the editors' questions
# ("theory": None). Forecasts are (fan, per cent, days after the claim was stated), each
# fan's last the one that counts. Season 1's were settled by what it showed.
PREDICTIONS: list[Record] = [
    {
        "season": 1,
        "theory": "Cheong-san will sacrifice himself for the others",
        "claim": "Cheong-san dies so that the others can escape",
        "criteria": (
            "Yes if, by the end of the last episode of season 1, Cheong-san has stayed "
            "behind to hold the danger back while his friends get away, and does not "
            "survive it."
        ),
        "created_at": _at(2022, 1, 20, 19, 50),
        "forecasts": [
            ("hyosan_survivor", 70, 0),
            ("webtoon_reader", 45, 1),
            ("rooftop_lookout", 20, 2),
            ("seoul_night_owl", 35, 3),
            ("webtoon_reader", 60, 5),
        ],
        "resolution": "yes",
        "fact": "What happened in season 1?",
        "note": "The season's last episodes: he holds the way so the group can leave.",
    },
    {
        "season": 1,
        "theory": "All five leads make it to the final episode",
        "claim": "All five leads are alive in the last episode",
        "criteria": (
            "Yes if Cheong-san, On-jo, Nam-ra, Su-hyeok and Gwi-nam all appear alive in "
            "the last episode of season 1 (a half-zombie counts as alive)."
        ),
        "created_at": _at(2022, 1, 6, 17, 40),
        "forecasts": [
            ("rooftop_lookout", 65, 0),
            ("quarantine_zone", 25, 2),
            ("hyosan_survivor", 15, 4),
            ("rooftop_lookout", 55, 10),
        ],
        "resolution": "no",
        "fact": "What happened in season 1?",
        "note": "Two of the five do not reach the final episode.",
    },
    # The editors' questions before season 1 came out, settled by its facts: enough
    # scored forecasts for the early fans to be ranked among the forecasters.
    {
        "season": 1,
        "theory": None,
        "claim": "Season 1 has more than ten episodes",
        "criteria": "Yes if Netflix releases season 1 with eleven episodes or more.",
        "created_at": _at(2022, 1, 10, 12, 0),
        "forecasts": [
            ("hyosan_survivor", 60, 0),
            ("webtoon_reader", 80, 1),
            ("rooftop_lookout", 35, 2),
            ("quarantine_zone", 50, 4),
        ],
        "resolution": "yes",
        "fact": "How many episodes did season 1 have?",
        "note": "Twelve episodes.",
    },
    {
        "season": 1,
        "theory": None,
        "claim": "Season 1's episodes run under 45 minutes each",
        "criteria": "Yes if every episode of season 1 is shorter than 45 minutes.",
        "created_at": _at(2022, 1, 10, 12, 5),
        "forecasts": [
            ("hyosan_survivor", 30, 0),
            ("webtoon_reader", 55, 2),
            ("rooftop_lookout", 20, 3),
            ("quarantine_zone", 65, 5),
        ],
        "resolution": "no",
        "fact": "How many episodes did season 1 have?",
        "note": "They run for about an hour each.",
    },
    {
        "season": 1,
        "theory": None,
        "claim": "Park Ji-hu plays one of the five leads",
        "criteria": "Yes if Park Ji-hu is billed as one of the five leads of season 1.",
        "created_at": _at(2022, 1, 11, 9, 30),
        "forecasts": [
            ("hyosan_survivor", 85, 0),
            ("webtoon_reader", 70, 1),
            ("rooftop_lookout", 90, 1),
            ("quarantine_zone", 40, 3),
        ],
        "resolution": "yes",
        "fact": "Who starred in season 1?",
        "note": "She plays Nam On-jo.",
    },
    {
        "season": 1,
        "theory": None,
        "claim": "Season 1 premieres before February 2022",
        "criteria": "Yes if Netflix releases season 1 before 1 February 2022, Korean time.",
        "created_at": _at(2022, 1, 11, 9, 35),
        "forecasts": [
            ("hyosan_survivor", 90, 0),
            ("webtoon_reader", 75, 2),
            ("rooftop_lookout", 95, 2),
            ("quarantine_zone", 60, 6),
        ],
        "resolution": "yes",
        "fact": "When was season 1 released?",
        "note": "It came out on 28 January 2022.",
    },
    {
        "season": 2,
        "theory": None,
        "claim": "Season 2 premieres before 1 January 2027",
        "criteria": (
            "Yes if Netflix releases the first episode of season 2 anywhere in the world "
            "before 1 January 2027, Korean time. Announcements do not count."
        ),
        "created_at": _at(2026, 10, 1, 9, 0),
        "forecasts": [
            ("hyosan_survivor", 20, 0),
            ("webtoon_reader", 10, 1),
            ("lab_notes", 30, 3),
            ("seoul_night_owl", 15, 8),
            ("firefighters_kid", 25, 15),
            ("hyosan_survivor", 12, 30),
        ],
    },
    {
        "season": 2,
        "theory": "Cheong-san comes back, but not as the boy On-jo knew",
        "claim": "Cheong-san appears alive in season 2",
        "criteria": (
            "Yes if Cheong-san appears on screen alive, human or half-zombie, in any "
            "episode of season 2. Flashbacks and dreams do not count."
        ),
        "spoiler_season": 1,
        "created_at": _at(2024, 3, 2, 20, 0),
        "forecasts": [
            ("hyosan_survivor", 75, 0),
            ("webtoon_reader", 30, 2),
            ("seoul_night_owl", 80, 4),
            ("firefighters_kid", 55, 9),
            ("lab_notes", 60, 20),
            ("webtoon_reader", 40, 200),
        ],
    },
    {
        "season": 2,
        "theory": "Nam-ra is not the only half-zombie out there",
        "claim": "Season 2 shows another half-zombie besides Nam-ra",
        "criteria": (
            "Yes if season 2 shows at least one character other than Nam-ra who is "
            "infected but keeps their mind."
        ),
        "spoiler_season": 1,
        "created_at": _at(2024, 6, 11, 18, 0),
        "forecasts": [
            ("lab_notes", 85, 0),
            ("quarantine_zone", 70, 3),
            ("rooftop_lookout", 60, 6),
            ("seoul_night_owl", 90, 12),
        ],
    },
]


# Pictures fans show with their theories: typographic title cards the demo draws itself
# (guide.demo.pictures), found by their theory's season and title.
THEORY_PICTURES: list[Record] = [
    {
        "theory": (2, "The survivors end up back at Hyosan High"),
        "season": 1,
        "episode": 1,
        "alt": "A title card for season 1, episode 1: the day the outbreak began at Hyosan High.",
    },
    {
        "theory": (2, "The survivors end up back at Hyosan High"),
        "season": 1,
        "episode": 12,
        "alt": "A title card for season 1, episode 12, the last of the first season.",
    },
    {
        "theory": (2, "Season 2 tells the story from the zombies' side"),
        "season": 1,
        "episode": 5,
        "alt": "A title card for season 1, episode 5.",
    },
]
