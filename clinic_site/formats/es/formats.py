# Django's Spanish formats write hours as "07:00"; opening hours and appointment times read as Spanish
# speakers write them on a clock, without the leading zero: "7:00 to 19:00", "3 de marzo de 2026 a las 9:30".
TIME_FORMAT = "G:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s G:i"
