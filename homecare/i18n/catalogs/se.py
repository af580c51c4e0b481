"""Davvisámegiella (Northern Sámi): the page shell, the login, My page, choosing whom to act for, notifications,
and the public list of municipalities.

A partial catalog (see PARTIAL in homecare.i18n): every other key falls back to Bokmål. The wording has not yet
been reviewed by a native speaker and must be before launch. Names and numbers are put where Sámi would not
inflect them: a name follows a colon, in the nominative; a count stands before "ođđa" (new), which does not
change with the number, or after a colon.
"""

TEXT: dict[str, str] = {
    "app.name": "Suohkana ruovttubálvalusat",
    "shell.loading": "Viežžamin …",
    "shell.document_title": "{page} – {app}",
    "shell.skip_to_content": "Njuike váldosisdollui",
    "shell.main_navigation": "Váldofállu",
    "shell.language": "Giella",
    "shell.footer_helpline": "Gažaldagat bálvalusa geavaheami birra? Riŋge geavaheaddjidoarjagii:",
    "shell.footer_accessibility": "Olahahttivuođačilgehus",
    "accessibility.title": "Olahahttivuođačilgehus",
    "shell.footer_about": "Ráhkaduvvon demodieđut. Eai duohta olbmuid persovdnadieđut.",
    "shell.log_in": "Čálit sisa",
    "shell.log_out": "Čálit olggos",
    "shell.logged_in_as": "Sisačálihuvvon:",
    "shell.acting_for": "Don geavahat bálvalusa dán olbmo ovddas: {name}",
    "shell.back_to_self": "Mana ruovttoluotta iežat lusa",
    "shell.close": "Gidde",
    "shell.acting_for_region": "Gean ovddas don geavahat bálvalusa",
    "nav.home": "Ovdasiidu",
    "nav.municipalities": "Makkár suohkanat leat mielde?",
    "nav.help": "Veahkki ja geavaheaddjidoarja",
    "nav.my_page": "Mu siidu",
    "nav.messages": "Dieđáhusat",
    "nav.appointments": "Áigešiehtadusat",
    "nav.powers_of_attorney": "Fápmudusat",
    "nav.usage_log": "Geavahanlogga",
    "nav.choose_person": "Molsso olbmo",
    "home.title": "Suohkana ruovttubálvalusat",
    "home.log_in_title": "Čálit sisa",
    "home.log_in_text": (
        "Čálit sisa ID-portena bokte vai sáhtát sáddet dieđáhusaid, oaidnit áigešiehtadusaid ja válljet "
        "dieđihemiid."
    ),
    "home.go_to_my_page": "Mana Mu siidui",
    "my_page.title": "Mu siidu",
    # The page after login, which shows a date: translated whole, so no Bokmål sentence carries a Sámi date.
    "my_page.greeting": "Bures, {name}",
    "my_page.since_last_time_title": "Maŋimuš háve rájes",
    "my_page.previous_login": "Ovddit sisačáliheapmi: {moment}.",
    "my_page.first_login": "Bures boahtin! Dát lea vuosttaš háve go don čálihat sisa.",
    "my_page.can_do_title": "Dán sáhtát dahkat dás",
    "my_page.not_taking_part_title": "{place} ii leat vel mielde",
    "my_page.not_taking_part_text": (
        "Don it sáhte sáddet dieđáhusaid dahje oaidnit ruovttubálvalusaid áigešiehtadusaid dás ovdal go du "
        "suohkan lea mielde. Jus dus leat gažaldagat ruovttubálvalusaid birra maid oaččut, váldde oktavuođa "
        "iežat suohkaniin."
    ),
    "my_page.not_taking_part_helpline": "Gažaldagat bálvalusa geavaheami birra? Riŋge geavaheaddjidoarjagii:",
    "my_page.unknown_place": "Du suohkan",
    "my_page.security_title": "Sihkkarvuohta",
    "my_page.sessions_link": "Geahča gos leat čálihan sisa",
    "my_page.services_for": "Dán olbmo bálvalusat: {name}",
    "sessions.title": "Aktiivvalaš sisačáliheamit",
    "terms.title": "Geavahaneavttut",
    "municipalities.title": "Makkár suohkanat leat mielde?",
    # The public page of dates: translated whole, so no Bokmål sentence carries a Sámi date.
    "municipalities.intro": (
        "Bálvalus viiddiduvvo vehážiid mielde eanet suohkaniidda. Dás oainnát makkár suohkanat ja gávpotoasit "
        "leat mielde."
    ),
    "municipalities.search_label": "Oza suohkana",
    "municipalities.search_help": "Čális nama dahje suohkannummira, ovdamearkka dihte Trondheim dahje 5001.",
    "municipalities.count": "Suohkanat: {shown} / {total}",
    "municipalities.none_found": "Ii oktage suohkan heive ohcamii «{query}».",
    "municipalities.column_municipality": "Suohkan",
    "municipalities.column_number": "Nummir",
    "municipalities.column_status": "Oassálastin",
    "municipalities.takes_part_since": "Mielde {date} rájes",
    "municipalities.not_taking_part": "Ii vel mielde",
    "municipalities.some_districts": "Muhtin gávpotoasit leat mielde",
    "municipalities.district_takes_part_since": "{district}: mielde {date} rájes",
    "municipalities.district_not_taking_part": "{district}: ii vel mielde",
    "help.title": "Veahkki ja geavaheaddjidoarja",
    "not_found.title": "Siidu ii gávdnon",
    "poa.title": "Fápmudusat",
    "usage_log.title": "Geavahanlogga",
    "messages.title": "Dieđáhusat",
    "messages.new_title": "Ođđa dieđáhus",
    "messages.thread_title": "Dieđáhus",
    "messages.unread": "{count} ođđa",
    "appointments.title": "Áigešiehtadusat",
    "dev_outbox.title": "Ovdánahttima olggosboksa",
    "login_failed.title": "Sisačáliheapmi ii lihkostuvvan",
    "login_failed.too_many": "Leat leamaš menddo ollu sisačáliheamit dás oanehis áiggis. Vuordde minuhta ja geahččal fas.",
    "login_failed.denied": "Don heaittihit sisačáliheami.",
    "login_failed.bad_state": (
        "Sisačáliheapmi bisttii beare guhká, dahje dat álggahuvvui eará láses dahje eará neahttalohkkis."
    ),
    "login_failed.provider_unavailable": "ID-porten ii vástit dál. Geahččal fas veaháš maŋŋelis.",
    "login_failed.invalid_token": "Mii eat sáhttán duođaštit sisačáliheami.",
    "login_failed.acr_too_low": (
        "Don fertet čálihit sisa alla sihkkarvuođadásiin, ovdamearkka dihte BankID:in dahje MinID:in áppain."
    ),
    "login_failed.unknown_person_title": "Mii eat gávdnan du",
    "login_failed.unknown_person": (
        "Sisačáliheapmi lihkostuvai, muhto mii eat gávdnan du min álbmotregistardieđuin. Jus don leat easka "
        "ožžon riegádannummira dahje D-nummira, de sáhttá mannat moadde beaivvi ovdal go sáhtát geavahit "
        "bálvalusa."
    ),
    "login_failed.helpline": "Dárbbašat go veahki? Riŋge geavaheaddjidoarjagii:",
    "login_failed.try_again": "Geahččal ođđasit",
    "login_failed.to_front_page": "Ovdasiidui",
    "representation.title": "Vállje gean dieđuid háliidat oaidnit dahje gean ovddas háliidat geavahit bálvalusaid",
    "representation.intro": (
        "Don sáhtát geavahit bálvalusa iežat várás ja sin ovddas geat leat addán dutnje fápmudusa digitála "
        "dearvvašvuođabálvalusaide."
    ),
    "representation.yourself": "Don ieš",
    "representation.born": "Riegádan {born}",
    "representation.current": "Válljejuvvon",
    "representation.choose": "Vállje: {name}",
    "representation.none": "Ii oktage leat addán dutnje fápmudusa digitála dearvvašvuođabálvalusaide.",
    "representation.not_allowed": "Don it sáhte šat geavahit bálvalusa dán olbmo ovddas.",
    "representation.ended": (
        "Don it sáhte šat geavahit bálvalusa dán olbmo ovddas: {name}. Fápmudus lea loahpahuvvon dahje nohkan."
    ),
    "representation.someone": "dát olmmoš",
    "representation.changed_elsewhere": (
        "Don leat molsson olbmo eará láses. Siidu čájeha dál dan olbmo gean ovddas don geavahat bálvalusa."
    ),
    "setup.title": "Kontaktdieđut ja dieđiheamit",
    "setup.profile_menu": "Profiila ja heivehusat",
    "setup.intro_self": (
        "Dás čálát gosa háliidat dieđihemiid, ja maid birra háliidat dieđihemiid. Dieđiheamit muitalit dušše "
        "ahte juoga lea dáhpáhuvvan – eai goassege maidege du dearvvašvuođa birra."
    ),
    "setup.intro_other": (
        "Dás mearridat makkár dieđihemiid oaččut dán olbmo birra: {name}. Dieđiheamit bohtet du iežat "
        "mobiilatelefovdnii ja e-poastii."
    ),
    "setup.contact_title": "Kontaktdieđut",
    "setup.mobile_label": "Mobiilanummir",
    "setup.mobile_help": "Norgga nummiriid sáhtát čállit +47 haga.",
    "setup.email_label": "E-poastačujuhus",
    "setup.level_legend": "Makkár dieđihemiid háliidat?",
    "setup.level.mandatory": "Dušše bákkolaš dieđiheamit",
    "setup.level.mandatory_help": (
        "Fápmudusaid birra maid oaččut dahje mat loahpahuvvojit, ja go du kontaktdieđut rievdaduvvojit."
    ),
    "setup.level.standard": "Standárda",
    "setup.level.standard_help": "Lassin: ođđa dieđáhusat, ja galledeamit mat rievdaduvvojit dahje heaittihuvvojit.",
    "setup.level.all": "Buot dieđiheamit",
    "setup.level.all_help": "Lassin: go ruovttubálvalus lea leamaš galledeamen.",
    "setup.channels_legend": "Mo háliidat oažžut dieđihemiid?",
    "setup.by_sms": "SMS",
    "setup.by_email": "E-poasta",
    "setup.same_legend": "Háliidat go seamma dieđihemiid earáid birra geaid don ovddastat?",
    "setup.same_label": "Juo, sádde munnje seamma dieđihemiid sin birra geaid ovddas mus lea fápmudus",
    "setup.save": "Vurke",
    "setup.saved": "Vurkejuvvon: {level}, {channels} bokte.",
    "setup.saved_none": "Vurkejuvvon: {level}, almmá SMS- dahje e-poastadieđihemiid haga.",
    "setup.saved_contact": (
        "Kontaktdieđut leat rievdaduvvon. Mii leat sádden dieđu rievdadusa birra sihke ođđa ja boares "
        "kontaktdieđuide."
    ),
    "setup.both_channels": "{first} ja {second}",
    "setup.problem.mobile_invalid": "Čális gustovaš mobiilanummira, ovdamearkka dihte 912 34 567.",
    "setup.problem.mobile_not_mobile": (
        "Dát ii leat mobiilanummir, nu ahte dasa ii sáhte sáddet SMS:a. Čális mobiilanummira."
    ),
    "setup.problem.email_invalid": "Čális gustovaš e-poastačujuhusa, ovdamearkka dihte namma@ovdamearka.no.",
    "setup.problem.sms_without_mobile": "Čális mobiilanummira jus háliidat dieđihemiid SMS:in.",
    "setup.problem.email_without_address": "Čális e-poastačujuhusa jus háliidat dieđihemiid e-poasttain.",
    "setup.problem.level_missing": "Vállje makkár dieđihemiid háliidat.",
}
