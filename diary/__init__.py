"""The diary: every time a person watched a film (a viewing, with its date, rating, review and
tags), the half-star ratings, and the trash that Undo brings deleted things back from."""
