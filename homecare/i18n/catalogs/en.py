"""English, in the wording of the public help page."""

TEXT: dict[str, str] = {
    "app.name": "Municipal home healthcare services",
    "app.tagline": "Contact the home care service in your municipality easily and securely",
    "shell.document_title": "{page} – {app}",
    "shell.skip_to_content": "Skip to main content",
    "shell.main_navigation": "Main menu",
    "shell.language": "Language",
    "shell.footer_helpline": "Questions about using the service? Call the helpline on",
    "shell.footer_about": "Synthetic demo data. No real personal data.",
    "nav.home": "Home",
    "nav.municipalities": "Which municipalities are taking part?",
    "nav.help": "Help and user support",
    "home.title": "Municipal home healthcare services",
    "home.intro": (
        "You can contact the healthcare services in your municipality easily and securely. You can send and "
        "receive messages, view appointments and receive notifications about previous visits. For a limited "
        "period, this only applies if your district or municipality is taking part in the trial."
    ),
    "home.can_do_title": "What you can do",
    "home.can_do_messages": "Send and receive messages to/from the health and care services in the municipality",
    "home.can_do_appointments": "View appointments for home visits and cancel appointments",
    "home.can_do_notifications": "Receive notifications about previous home visits by text message or e-mail",
    "home.on_behalf_title": "Other people can use the services on your behalf",
    "home.on_behalf_text": (
        "You can grant other people power of attorney to use the service on your behalf. You decide who you wish "
        "to grant power of attorney to, but they must be at least 18 years of age. You can withdraw the power "
        "of attorney at any time."
    ),
    "home.municipalities_link": "See which municipalities are taking part",
    "home.help_link": "Get help and user support",
    "municipalities.title": "Which municipalities are taking part?",
    "municipalities.intro": (
        "The service is gradually being extended to cover more municipalities. Here you will find the "
        "municipalities and districts that are participating."
    ),
    "municipalities.search_label": "Search for a municipality",
    "municipalities.search_help": "Type a name or a municipality number, for example Trondheim or 5001.",
    "municipalities.count": "Showing {shown} of {total} municipalities",
    "municipalities.none_found": "No municipalities match “{query}”.",
    "municipalities.column_municipality": "Municipality",
    "municipalities.column_number": "Number",
    "municipalities.column_status": "Participation",
    "municipalities.takes_part_since": "Taking part since {date}",
    "municipalities.not_taking_part": "Not taking part yet",
    "municipalities.some_districts": "Some districts are taking part",
    "municipalities.district_takes_part_since": "{district}: taking part since {date}",
    "municipalities.district_not_taking_part": "{district}: not taking part yet",
    "help.title": "Help and user support",
    "help.helpline_title": "Questions about using the digital service",
    "help.helpline_text": "Call the helpline on",
    "help.helpline_hours": "Weekdays 08:00–15:30",
    "help.municipality_title": "Questions about the home healthcare services you receive",
    "help.municipality_text": (
        "If you have any questions about the home healthcare services you receive, such as visits, medicines "
        "or needing more help, please contact your municipality."
    ),
    "help.urgent_title": "Is it urgent?",
    "help.urgent_text": "Messages are not for urgent matters. Call instead:",
    "help.emergency": "in an emergency (acute illness or injury)",
    "help.out_of_hours": "out-of-hours medical service, when it cannot wait for your GP or the home care service",
    "not_found.title": "Page not found",
    "not_found.text": "The page does not exist, or the address is misspelt.",
    "not_found.home_link": "Go to the home page",
}
