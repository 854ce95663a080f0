"""Jellyfin's webhook plugin, a "Generic" destination sending JSON (with "Send All Properties"
ticked, or a template giving the same fields). PlaybackStop with PlayedToCompletion, or
UserDataSaved with SaveReason TogglePlayed and Played (marked played by hand), logs the
film; other notifications change nothing. The film is found by `Provider_imdb`, else by
`Name` and `Year`."""

from .events import (
    WATCHED,
    BadPayload,
    Event,
    fields_of,
    film_named,
    flag,
    moment_of,
    not_a_film,
    nothing,
    progress,
    text_field,
)

# The plugin's notification types (Jellyfin.Plugin.Webhook's NotificationType).
ABOUT_THE_SERVER = {
    "Generic",
    "ItemAdded",
    "ItemDeleted",
    "PlaybackStart",
    "SubtitleDownloadFailure",
    "AuthenticationFailure",
    "AuthenticationSuccess",
    "SessionStart",
    "PendingRestart",
    "TaskCompleted",
    "PluginInstallationCancelled",
    "PluginInstallationFailed",
    "PluginInstalled",
    "PluginInstalling",
    "PluginUninstalled",
    "PluginUpdated",
    "UserCreated",
    "UserDeleted",
    "UserLockedOut",
    "UserPasswordChanged",
    "UserUpdated",
}


def event(document: object) -> Event:
    fields = fields_of(document, "The payload")
    name = text_field(fields, "NotificationType")
    if name == "PlaybackProgress":
        return progress(name)
    if name in ABOUT_THE_SERVER:
        return nothing(name, "Not a film watched to the end.")
    if name not in ("PlaybackStop", "UserDataSaved"):
        raise BadPayload(f"Unknown NotificationType {name[:40]!r}." if name else "The payload has no NotificationType.")
    kind = text_field(fields, "ItemType")
    if kind != "Movie":
        return not_a_film(name, kind)
    film = film_named("The payload", fields.get("Name"), fields.get("Year"), fields.get("Provider_imdb"))
    if name == "PlaybackStop" and not flag(fields, "PlayedToCompletion"):
        return nothing(name, "Stopped before the end.", film)
    if name == "UserDataSaved" and not (text_field(fields, "SaveReason") == "TogglePlayed" and flag(fields, "Played")):
        return nothing(name, "Not marked played.", film)
    return Event(name, WATCHED, film, moment=moment_of(fields.get("UtcTimestamp")))
