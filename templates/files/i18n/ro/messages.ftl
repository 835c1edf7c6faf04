# Română. Ton prietenos de comunitate, cu „tu”; diacritice cu virgulă (ș, ț).
# Plurale CLDR: one (1), few (0, 2–19, 101–119…), other („20 de recomandări”).
# Comenzile rămân cuvintele englezești pe care le scrie toată lumea (code, rsvp…);
# în e-mail, „da” și „nu” sunt înțelese ca răspunsuri.

language-name = Română
render-failed = Ne pare rău, ceva n-a mers cum trebuia când pregăteam acest răspuns.

state-issued = înregistrată, așteptăm să se alăture
state-redeemed = s-a alăturat cu codul tău
state-qualified = calificată
state-converted = a devenit client, recompensa e în așteptare
state-rewarded = a devenit client, recompensa a fost acordată
state-rejected = nu a fost luată în calcul
reward-pending = în așteptare
reward-approved = aprobată
reward-paid = plătită
reward-void = anulată
period-month = luna aceasta
period-quarter = trimestrul acesta
period-year = anul acesta
period-all = de la început
hold-disposable_email = adresa de e-mail e la un serviciu de e-mail temporar
hold-same_inbox = folosește aceeași căsuță de e-mail ca persoana care a recomandat (un alias sau o variantă cu puncte)
hold-new_account = s-a alăturat cu un cont foarte nou
intro-received = punere în legătură primită
intro-consent_requested = am cerut acordul
intro-accepted = a acceptat punerea în legătură
intro-declined = a refuzat punerea în legătură
intro-meeting = întâlnire
intro-won = câștigată
intro-lost = pierdută
action-get_code = Vreau codul meu de recomandare
action-see_referrals = Recomandările mele
action-rsvp_yes = Da
action-rsvp_no = Nu
action-rsvp_maybe = Poate
action-confirm_seat = Îmi confirm locul
action-pass_seat = Las locul altcuiva
action-skip_date = Nu pot de data asta
action-take_seat_date = Iau locul pe { $value }
action-choose = Alege…
action-share = Distribuie linkul
action-consent_yes = Da, puneți-mă în legătură
action-consent_no = Nu, mulțumesc

guests = { $count ->
    [one] { $count } invitat
    [few] { $count } invitați
   *[other] { $count } de invitați
}
people-told = { $count ->
    [one] { $count } persoană a primit
    [few] { $count } persoane au primit
   *[other] { $count } de persoane au primit
}
referrals = { $count ->
    [one] { $count } recomandare
    [few] { $count } recomandări
   *[other] { $count } de recomandări
}
answers = { $count ->
    [one] { $count } răspuns
    [few] { $count } răspunsuri
   *[other] { $count } de răspunsuri
}
days = { $count ->
    [one] { $count } zi
    [few] { $count } zile
   *[other] { $count } de zile
}

event-kind-lunch = prânz de recomandări
event-kind-mastermind = mastermind
event-kind-expert-club = club de experți
event-kind-advisory-board = consiliu consultativ
event-kind-webinar = webinar
audience-everyone = toată lumea
audience-champions = { $count ->
    [one] membrii cu cel puțin o recomandare
    [few] membrii cu cel puțin { $count } recomandări
   *[other] membrii cu cel puțin { $count } de recomandări
}
audience-role = cei cu rolul { $role }
audience-list = doar invitații
soon-days = { $count ->
    [one] mâine
    [few] peste { $count } zile
   *[other] peste { $count } de zile
}
soon-hours = { $count ->
    [one] peste o oră
    [few] peste { $count } ore
   *[other] peste { $count } de ore
}
soon-minutes = { $count ->
    [one] peste un minut
    [few] peste { $count } minute
   *[other] peste { $count } de minute
}
cap-month = { $max } pe lună
cap-quarter = { $max } pe trimestru
cap-year = { $max } pe an
reward-nothing = nicio recompensă
reward-discount = reducere de { $percent }%
reward-free-months = { $count ->
    [one] { $count } lună gratuită
    [few] { $count } luni gratuite
   *[other] { $count } de luni gratuite
}
reward-credit = { $amount } credit în cont
reward-cashback = cashback de { $amount }
reward-donation = o donație de { $amount } pentru o cauză caritabilă
reward-swag = un cadou: { $what }
reward-feature = acces la { $what }
reward-seat = un loc la { $what }

command-help = Ce pot face pentru tine
command-code = Codul tău personal de recomandare și textul de trimis prietenilor
command-redeem = Folosește codul de recomandare al unui prieten
command-refer = Înregistrează pe cineva pe care l-ai recomandat
command-partner = Întreabă un partener cum să-i recomanzi cel mai bine clienți (prezentarea ideală, invers)
command-consent = Acceptă sau refuză o punere în legătură făcută pentru tine
command-shoutout = Alege dacă îți putem mulțumi public, pe nume, când recomandarea ta reușește
command-wishes = Pe cine ne-am dori cel mai mult să cunoaștem
command-wish = Ține lista de dorințe: oameni și companii cu care vrem să fim puși în legătură
command-unsubscribe = Oprește notificările către adresa de pe care scrii (răspunsurile vin în continuare)
command-subscribe = Primește din nou notificări după dezabonare sau refuz
command-mine = Recomandările tale, stadiul lor și recompensele tale
command-why = Explică soldul recompenselor tale, intrare cu intrare
command-leaderboard = Cine a recomandat cel mai mult
command-nps = Cât de probabil e să ne recomanzi (0–10)?
command-heard = Spune-ne cum ai aflat de noi
command-link = Leagă-ți conturile de pe alte canale
command-program = Creează și reglează programe de recomandare
command-referrals = Lista recomandărilor, cu numerele folosite de alte comenzi
command-convert = Marchează o recomandare drept client nou
command-approve = Aprobă recompensele unei recomandări (sau calific-o înainte de conversie)
command-thank = Trimite o notă personală de mulțumire, semnată de tine, celui care a recomandat
command-reject = Respinge o recomandare, cu un motiv
command-refund = Clientul a primit banii înapoi: anulează recompensele
command-reward = Lista recompenselor; marchează una ca plătită
command-role = Dă sau retrage un rol
command-report = Recomandări pe lună, conversie, valoare, ROI, LTV:CAC
command-events = Evenimentele care urmează sau cele la care ai invitație
command-event = Programează evenimente, invită oameni, modifică sau anulează
command-rsvp = Răspunde la o invitație la eveniment
command-agenda = Agenda unui eveniment și expertul invitat
command-attendees = Cine vine, cine așteaptă, cine a refuzat
command-ics = Fișierul de calendar al unui eveniment sau abonamentul tău de calendar
command-feed = Un link care îți ține aplicația de calendar la zi cu evenimentele tale
command-timezone = Arată sau setează fusul orar în care vezi orele evenimentelor
command-language = Alege limba în care îți răspund

mail-note-from = Un mesaj de la { $community }
mail-reply-with = { $label }: răspunde cu „{ $command }”
mail-or-reply-with = (sau răspunde cu „{ $command }”)

page-confirm = { $community } îți cere confirmarea: apasă butonul de mai jos. Nu se întâmplă nimic până nu-l apeși.
page-done = Gata
page-nothing-changed = Nu s-a schimbat nimic
page-unsubscribe = Dezabonare
page-unsubscribe-ask = Apasă butonul și { $community } nu va mai scrie la { $address }.
page-unsubscribed = Te-ai dezabonat
page-unsubscribed-text = { $community } nu va mai scrie la { $address }.
page-expired = Acest link a expirat
page-expired-text = Linkurile din e-mailurile { $community } funcționează 30 de zile. Nu s-a schimbat nimic; răspunde la e-mail sau scrie-ne pe chat.
page-share-unknown = Acest link nu funcționează
page-share-unknown-text = Codul din el este necunoscut sau nu mai este activ. Cere-i persoanei care l-a trimis un link nou.
page-share-title = Invitația ta în { $community }
page-share-code = Codul tău de recomandare: { $code }
page-share-how = Folosește-l când te alături { $community }. Ești deja cu noi? Trimite „redeem { $code }” botului { $community } pe Telegram sau Discord ori prin e-mail.

unverified-refer = să înregistrăm această punere în legătură
unverified-consent = să luăm în seamă acest răspuns la punerea în legătură
unverified-rsvp = să luăm în seamă acest răspuns la invitație
unverified-subscribe = să pornim din nou notificările
unverified-unsubscribe = să schimbăm notificările tale
unverified-link = să legăm această adresă de alt cont
unverified-role = să schimbăm rolul cuiva
unverified-other = să facem asta pentru contul tău

duration-minutes = { $minutes ->
    [one] { $minutes } minut
    [few] { $minutes } minute
   *[other] { $minutes } de minute
}
duration-hours = { $hours ->
    [one] { $hours } oră
    [few] { $hours } ore
   *[other] { $hours } de ore
}
duration-hours-minutes = { $hours ->
    [one] { $hours } oră
    [few] { $hours } ore
   *[other] { $hours } de ore
} și { $minutes ->
    [one] { $minutes } minut
    [few] { $minutes } minute
   *[other] { $minutes } de minute
}
percent = { $value } %
every-week = în fiecare săptămână
every-month = în fiecare lună
every-quarter = în fiecare trimestru
every-month-weekday = în { $nth ->
    [first] prima
    [second] a doua
    [third] a treia
    [fourth] a patra
   *[last] ultima
} { $weekday ->
    [mon] zi de luni
    [tue] marți
    [wed] miercuri
    [thu] joi
    [fri] vineri
    [sat] sâmbătă
   *[sun] duminică
} a fiecărei luni
role-member = membru
role-champion = ambasador
role-organizer = organizator
role-admin = administrator
language-in = în limba română

arg-help-command = Comanda despre care vrei detalii
arg-code-program = Ce program de recomandare (implicit: cel principal)
arg-redeem-code = Codul primit de la cineva, de exemplu 7K3M-9QXP
arg-refer-name = Numele persoanei
arg-refer-email = Adresa de e-mail a persoanei
arg-refer-note = De ce s-ar potrivi
arg-partner-email = Adresa de e-mail a partenerului
arg-partner-name = Numele partenerului
arg-consent-referral = Numărul punerii în legătură, din e-mailul primit
arg-consent-answer = yes ca să fii pus în legătură, no ca să refuzi
arg-shoutout-answer = on: mulțumiți-mi public, pe nume; off: nu
arg-wish-action = add TEXT sau drop NUMĂR
arg-wish-text = Cine (o companie, un rol; un domeniu ca northwind.com îi cuprinde pe toți de acolo) sau numărul
arg-leaderboard-period = month, quarter, year sau all (implicit)
arg-nps-score = De la 0 la 10: cât de probabil e să ne recomanzi
arg-nps-comment = Orice vrei să adaugi
arg-heard-source = Cine sau ce ți-a spus despre noi
arg-link-code = Codul de unică folosință din celălalt cont al tău
arg-program-action = Ce să facem
arg-program-name = Numele scurt al programului
arg-program-settings = Setări cheie=valoare (vezi help program)
arg-referrals-state = Doar recomandările în această stare
arg-convert-referral = Numărul recomandării, din `referrals`
arg-convert-value = Cât valorează clientul nou, de exemplu 1200
arg-approve-referral = Numărul recomandării, din `referrals`
arg-thank-referral = Numărul recomandării, din `referrals`
arg-thank-message = Nota ta, cu vorbele tale
arg-reject-referral = Numărul recomandării, din `referrals`
arg-reject-reason = Motivul îl va afla cel care a recomandat
arg-refund-referral = Numărul recomandării, din `referrals`
arg-refund-reason = Apare în `why` și pentru organizatori
arg-reward-action = paid NUMĂR sau list [stare]
arg-reward-id = Numărul recompensei (pentru paid) sau starea (pentru list)
arg-role-action = grant ca să dai, revoke ca să retragi
arg-role-identity = alice, telegram:ID, discord:ID sau email:ADRESĂ
arg-role-role = Rolul: champion (ambasador), organizer (organizator) sau admin (administrator)
arg-report-month = AAAA-LL (implicit: de la început)
arg-events-which = upcoming (implicit) sau mine
arg-event-action = Ce să facem
arg-event-event = Numărul evenimentului, de exemplu E3 (nu pentru create)
arg-event-settings = cheie=valoare: kind title start tz every capacity duration agenda expert location audience
arg-rsvp-event = Numărul evenimentului, de exemplu E3
arg-rsvp-answer = yes, no sau maybe
arg-rsvp-date = O singură dată din serie (AAAA-LL-ZZ sau next); implicit: toată seria
arg-rsvp-guests = Invitații pe care îi aduci, de exemplu +1
arg-rsvp-identity = Pentru organizatori: răspunde în numele acestei persoane
arg-agenda-event = Numărul evenimentului, de exemplu E3
arg-attendees-event = Numărul evenimentului, de exemplu E3
arg-attendees-date = Ce dată din serie (AAAA-LL-ZZ sau next); implicit: următoarea
arg-ics-event = Numărul evenimentului (implicit: calendarul tău)
arg-ics-member = Pentru organizatori: --member IDENTITATE pentru calendarul altcuiva
arg-feed-reset = reset: anulează linkul dat înainte și fă unul nou
arg-timezone-zone = Un fus orar IANA, de exemplu Europe/Bucharest
arg-language-code = Un cod de limbă, de exemplu ru, ar sau ro; auto urmează din nou aplicația

rsvp-invited = încă n-ai răspuns
rsvp-yes = vin
rsvp-no = nu vin
rsvp-maybe = poate
rsvp-waitlisted = pe lista de așteptare

role-refused-member = toată lumea e membru; poți da champion, organizer sau admin
role-refused-admin = doar un administrator poate da sau retrage admin
role-refused-stranger = { $identity } nu mi-a scris niciodată, deci nu are niciun rol

# De ce o comandă sau o setare n-a fost primită („Îmi pare rău, { problem }.”).
problem-missing-code = lipsește codul
problem-missing-program = lipsește numele programului
problem-missing-score = lipsește nota
problem-missing-partner-email = lipsește adresa de e-mail a partenerului
problem-missing-wish-id = lipsește numărul dorinței (vezi `wishes`)
problem-missing-reward-id = lipsește numărul recompensei
problem-missing-who = spune cine
problem-missing-role = lipsește rolul
problem-missing-feed-owner = spune al cui calendar
problem-missing-event-id = lipsește numărul evenimentului
problem-missing-skip-date = lipsește data de sărit (AAAA-LL-ZZ)
problem-missing-referral-id = lipsește numărul recomandării
problem-unexpected = nu mă așteptam la „{ $word }”
problem-settings-form = setările se scriu cheie=valoare, nu „{ $word }”
problem-not-one-of = „{ $word }” nu e printre { $options }
problem-refer-email = am nevoie de adresa de e-mail, de exemplu refer Ana Popescu ana@acme.ro
problem-refer-name-first = întâi numele, apoi adresa de e-mail
problem-name-too-long = numele e prea lung (cel mult { $max } de caractere)
problem-note-too-long = nota e prea lungă (cel mult { $max } de caractere)
problem-comment-too-long = comentariul e prea lung (cel mult { $max } de caractere)
problem-answer-too-long = e cam lung (cel mult { $max } de caractere)
problem-reason-too-long = motivul e prea lung (cel mult { $max } de caractere)
problem-wish-too-long = rămâi sub { $max } de caractere
problem-score = nota e un număr întreg de la 0 la 10, nu „{ $word }”
problem-heard-what = spune-mi cine sau ce, de exemplu heard un prieten de la Acme
problem-program-action = spune ce să fac: list, show, create, set, pause sau resume
problem-program-set-what = spune ce să schimb, de exemplu program set customer cap=12/year
problem-consent-answer = răspunde yes sau no, de exemplu consent 12 yes
problem-wish-who = spune pe cine ai vrea să cunoști, de exemplu wish add Northwind Traders northwind.com
problem-wish-id = „{ $word }” nu e un număr de dorință ca A3
problem-wish-action = add TEXT sau drop NUMĂR
problem-wish-exists = { $target } e deja pe listă ca { $id }
problem-on-off = spune on sau off
problem-reward-id = „{ $word }” nu e un număr de recompensă
problem-reward-status = starea e pending, approved, paid sau void
problem-month = scrie luna ca AAAA-LL, nu „{ $word }”
problem-date = scrie data ca AAAA-LL-ZZ, nu „{ $word }”
problem-occurrence-date = dă o dată ca AAAA-LL-ZZ sau next, nu „{ $word }”
problem-feed-action = feed, sau feed reset ca să revoci linkul vechi
problem-timezone = nu cunosc fusul orar „{ $word }”; folosește un nume IANA ca Europe/Bucharest
problem-event-id = „{ $word }” nu e un număr de eveniment; `events` le arată
problem-event-action = spune ce să fac: create, edit, cancel, invite, show sau skip
problem-event-edit-what = spune ce să schimb, de exemplu event edit E3 capacity=12
problem-invite-max = invită cel mult { $max } de persoane o dată
problem-flag-value = --{ $flag } are nevoie de o valoare
problem-one-date = răspunde pentru o singură dată o dată
problem-guests = invitații se scriu +1 sau +2, nu „{ $word }”
problem-rsvp-answer = răspunde yes, no sau maybe
problem-rsvp-answer-not = răspunde yes, no sau maybe (nu „{ $word }”)
problem-rsvp-maybe-date = pentru o singură dată răspunde yes sau no; maybe e pentru toată seria
problem-referral-id = „{ $word }” nu e un număr de recomandare; `referrals` le arată
problem-own-referral = e chiar recomandarea ta
problem-event-time = scrie AAAA-LL-ZZ HH:MM în fusul orar al evenimentului, nu „{ $value }”
problem-duration = „{ $value }” nu e o durată ca 90m sau 1h30m
problem-kinds = tipurile sunt { $list }
problem-title = un titlu are între 1 și { $max } de caractere
problem-every = folosește week, month, month-weekday, quarter sau none
problem-capacity = un număr de locuri, sau none
problem-plus-ones = între 0 și { $max } invitați de persoană
problem-audience = folosește everyone, champions:N, role:champion sau list
problem-setting-keys = setările sunt { $list }
problem-days = „{ $value }” nu e un număr de zile
problem-cap = scrie ca 12/year, 3/month sau none
problem-approval = aprobarea e auto sau manual
problem-currency = folosește un cod de trei litere ca RON, EUR sau USD
problem-lifetime = durata e în ani, de exemplu 3 sau 2.5
problem-code-length = un cod de recomandare are 8 litere și cifre, dar acesta are { $count }
problem-code-char = codurile de recomandare nu conțin niciodată „{ $char }” (fără 0, O, 1, I sau L, ca să se citească ușor)
problem-email = „{ $value }” nu arată ca o adresă de e-mail
problem-identity = „{ $value }” nu e o identitate; folosește un nume de consolă, telegram:ID, discord:ID sau email:ADRESĂ
problem-role = „{ $value }” nu e un rol; rolurile sunt member, champion, organizer și admin
problem-money = „{ $value }” nu e o sumă; scrie ca 50 sau 49.99
problem-id = „{ $value }” nu e un număr valid
problem-slug = „{ $value }” nu e un nume valid; folosește litere, cifre și cratime, începând cu o literă
problem-reward = „{ $value }” nu e o recompensă; încearcă credit:50, discount:20%, free-months:1, cashback:25, donation:25, swag:TEXT, feature:TEXT, event-seat:TEXT sau custom:TEXT
problem-value = „{ $value }” nu e o valoare validă pentru { $key }
problem-invalid = valoarea nu e validă
approval-auto = automată
approval-manual = verificată de un organizator

# De ce o recomandare sau o recompensă nu poate face pasul acesta.
hint-waiting-approve = așteaptă `approve`
hint-rewards-granted = recompensele ei au fost deja acordate
hint-stays-rejected = recomandările respinse rămân respinse
hint-already-qualified = e deja calificată; dă `convert` când persoana devine client
hint-rewards-approved = recompensele ei au fost deja aprobate
hint-already-rejected = e deja respinsă
hint-reward-paid-out = o recompensă pentru ea a fost deja plătită
hint-approve-first = aprobă întâi recomandarea ei
hint-already-paid = a fost deja plătită
hint-referral-rejected = recomandarea ei a fost respinsă
# De ce o dată din serie nu primește răspuns („Ne pare rău, Prânz MOTIV pe 2026-12-11”).
occurrence-no-meeting = nu are întâlnire
occurrence-skipped = nu are loc
occurrence-started = a început deja

# Etichetele din descrierea evenimentului în calendarele scrise de vouch.
ics-expert = Expert invitat
ics-agenda = Program
