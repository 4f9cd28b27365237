"""Team labeling in the app: the Team menu (user name, claims, last editor), the
agreement sample's labeling dialog and the agreement table."""
