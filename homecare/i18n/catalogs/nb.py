"""Norsk bokmål: the default language and the original wording."""

TEXT: dict[str, str] = {
    "app.name": "Kommunale hjemmetjenester",
    "app.tagline": "Kontakt hjemmetjenesten i kommunen din enkelt og trygt",
    "shell.document_title": "{page} – {app}",
    "shell.skip_to_content": "Hopp til hovedinnhold",
    "shell.main_navigation": "Hovedmeny",
    "shell.language": "Språk",
    "shell.footer_helpline": "Spørsmål om bruk av tjenesten? Ring brukerstøtte på",
    "shell.footer_about": "Syntetiske demodata. Ingen ekte personopplysninger.",
    "nav.home": "Forside",
    "nav.municipalities": "Hvilke kommuner er med?",
    "nav.help": "Hjelp og brukerstøtte",
    "home.title": "Kommunale hjemmetjenester",
    "home.intro": (
        "Du kan kontakte helse- og omsorgstjenestene i kommunen din enkelt og sikkert. Du kan sende og motta "
        "meldinger, se timeavtaler og få varsel om tidligere besøk. I en periode gjelder dette bare hvis "
        "bydelen eller kommunen din er med i utprøvingen."
    ),
    "home.can_do_title": "Dette kan du gjøre",
    "home.can_do_messages": "Sende og motta meldinger til og fra helse- og omsorgstjenestene i kommunen",
    "home.can_do_appointments": "Se timeavtaler for hjemmebesøk og avbestille timer",
    "home.can_do_notifications": "Få varsel om tidligere hjemmebesøk på SMS eller e-post",
    "home.on_behalf_title": "Andre kan bruke tjenestene på vegne av deg",
    "home.on_behalf_text": (
        "Du kan gi andre fullmakt til å bruke tjenesten på vegne av deg. Du bestemmer selv hvem du vil gi "
        "fullmakt til, men de må være minst 18 år. Du kan trekke tilbake fullmakten når som helst."
    ),
    "home.municipalities_link": "Se hvilke kommuner som er med",
    "home.help_link": "Få hjelp og brukerstøtte",
    "municipalities.title": "Hvilke kommuner er med?",
    "municipalities.intro": (
        "Tjenesten utvides gradvis til flere kommuner. Her ser du hvilke kommuner og bydeler som er med."
    ),
    "municipalities.search_label": "Søk etter kommune",
    "municipalities.search_help": "Skriv navn eller kommunenummer, for eksempel Trondheim eller 5001.",
    "municipalities.count": "Viser {shown} av {total} kommuner",
    "municipalities.none_found": "Ingen kommuner passer med søket «{query}».",
    "municipalities.column_municipality": "Kommune",
    "municipalities.column_number": "Nummer",
    "municipalities.column_status": "Deltakelse",
    "municipalities.takes_part_since": "Er med siden {date}",
    "municipalities.not_taking_part": "Er ikke med ennå",
    "municipalities.some_districts": "Noen bydeler er med",
    "municipalities.district_takes_part_since": "{district}: er med siden {date}",
    "municipalities.district_not_taking_part": "{district}: er ikke med ennå",
    "help.title": "Hjelp og brukerstøtte",
    "help.helpline_title": "Spørsmål om bruk av den digitale tjenesten",
    "help.helpline_text": "Ring brukerstøtte på",
    "help.helpline_hours": "Hverdager 08:00–15:30",
    "help.municipality_title": "Spørsmål om hjemmetjenestene du får",
    "help.municipality_text": (
        "Har du spørsmål om hjemmetjenestene du får, for eksempel om besøk, medisiner eller behov for mer "
        "hjelp, ta kontakt med kommunen din."
    ),
    "help.urgent_title": "Haster det?",
    "help.urgent_text": "Meldinger er ikke for det som haster. Ring i stedet:",
    "help.emergency": "ved akutt sykdom eller skade",
    "help.out_of_hours": "legevakt, når det ikke kan vente til fastlegen eller hjemmetjenesten kan hjelpe",
    "not_found.title": "Fant ikke siden",
    "not_found.text": "Siden finnes ikke, eller adressen er skrevet feil.",
    "not_found.home_link": "Gå til forsiden",
}
