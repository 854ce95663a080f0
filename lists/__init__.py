"""The list pages' views: sorts, filters and pages of rows read by keyset."""
