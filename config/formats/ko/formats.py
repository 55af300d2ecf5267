# Korean dates and times as Korean writes them: "2022년 1월 28일 오후 3:05", with 오전 or
# 오후 before the time (Django's own has it after: "3:05 오후"). Other formats are Django's.
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
