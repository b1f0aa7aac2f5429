# Django's English TIME_FORMAT ("P") writes "7 a.m." and "noon"; opening hours read better, and line
# up, with the minutes always shown: "7:00 a.m." and "7:00 p.m." (Django's "a" is "a.m." / "p.m.").
TIME_FORMAT = "g:i a"
