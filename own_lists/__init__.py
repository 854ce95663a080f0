"""Lists of the person's own making: named, described, ranked or not ("Palme d'Or winners",
"Noirvember", a top ten), beside the two fixed lists, the watchlist and Watched."""
