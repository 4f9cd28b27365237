"""The model working for the annotator in the app: suggestions beside the tags, the
Suggested and Uncertainty columns, Label next, and accepting suggestions."""

from vocgui.qt.suggestions.actions import SuggestionActions
from vocgui.qt.suggestions.source import SuggestionSource

__all__ = ["SuggestionActions", "SuggestionSource"]
