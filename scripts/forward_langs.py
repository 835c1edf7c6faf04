"""Per-language words of mail clients' forward and reply layouts, for the
forward corpus generator (scripts/gen-forward-corpus.py).

Header labels and separator lines are facts of each client's public UI:
Gmail, Outlook (desktop, new, Live/365), Apple Mail, Yahoo and Thunderbird
words for cs da de en es fi fr hr hu it nl no pl pt pt-BR ro ru sk sv tr uk
as listed by crisp-oss/email-forward-parser (MIT); the other languages from
the clients' own localized interfaces (Microsoft Outlook's and Apple Mail's
string tables as users see them). Names, notes and subjects are made up.

Keys:
  o_*      Outlook desktop 2013-2019 / Microsoft 365 labels (From, Sent, To, Cc, Subject)
  n_date   new Outlook / Apple "Date" label
  apple    Apple Mail's "Begin forwarded message:" line
  yahoo    Yahoo / Thunderbird "----- Forwarded Message -----" words
  orig     Outlook's "-----Original Message-----" words
  wrote    a reply's attribution line ({date} {name} {email})
  fw       Outlook's forward subject prefix
  ooo      an out-of-office subject
"""

L = {}


def lang(code, **kw):
    L[code] = kw


lang("en", o_from="From", o_sent="Sent", o_to="To", o_cc="Cc", o_subj="Subject", n_date="Date",
     apple="Begin forwarded message:", yahoo="Forwarded Message", orig="Original Message",
     wrote="On {date}, {name} <{email}> wrote:", fw="FW:", ooo="Out of Office: {s}",
     date="Tuesday, November 17, 2026 10:15 AM",
     people=[("Jane Doe", "jane.doe@northwind.example"), ("Michael Brown", "m.brown@contoso.example")],
     note="Hi team, meet Jane - she runs operations and asked about referral tools. Happy to vouch!",
     subj="Looking for a referral partner", body="Hi Bob, do you know anyone who runs referral programs well?",
     charsets=["utf-8", "us-ascii"])
lang("de", o_from="Von", o_sent="Gesendet", o_to="An", o_cc="Cc", o_subj="Betreff", n_date="Datum",
     apple="Anfang der weitergeleiteten Nachricht:", yahoo="Weitergeleitete Nachricht", orig="Ursprüngliche Nachricht",
     wrote="Am {date} schrieb {name} <{email}>:", fw="WG:", ooo="Abwesenheitsnotiz: {s}",
     date="Dienstag, 17. November 2026 10:15",
     people=[("Klaus Müller", "k.mueller@muster-gmbh.example"), ("Sabine Weiß", "sabine.weiss@beispiel.example")],
     note="Hallo zusammen, ich möchte euch Klaus vorstellen, er sucht ein Empfehlungsprogramm.",
     subj="Empfehlungsprogramm", body="Hallo Bob, kennst du einen guten Anbieter?", charsets=["iso-8859-1", "utf-8"])
lang("fr", o_from="De", o_sent="Envoyé", o_to="À", o_cc="Cc", o_subj="Objet", n_date="Date",
     apple="Début du message réexpédié :", yahoo="Message transmis", orig="Message d'origine",
     wrote="Le {date}, {name} <{email}> a écrit :", fw="TR:", ooo="Réponse automatique : {s}",
     date="mardi 17 novembre 2026 10:15",
     people=[("Élodie Durand", "elodie.durand@exemple-sa.example"), ("François Lefèvre", "f.lefevre@societe.example")],
     note="Bonjour, je vous présente Élodie, elle cherche un outil de parrainage.",
     subj="Programme de parrainage", body="Bonjour Bob, tu connais quelqu'un ?", charsets=["iso-8859-15", "utf-8"])
lang("es", o_from="De", o_sent="Enviado el", o_to="Para", o_cc="CC", o_subj="Asunto", n_date="Fecha",
     apple="Inicio del mensaje reenviado:", yahoo="Mensaje reenviado", orig="Mensaje original",
     wrote="El {date}, {name} (<{email}>) escribió:", fw="RV:", ooo="Respuesta automática: {s}",
     date="martes, 17 de noviembre de 2026 10:15",
     people=[("Lucía García", "lucia.garcia@ejemplo-sa.example"), ("José Martínez", "jose.martinez@empresa.example")],
     note="Hola equipo, os presento a Lucía, directora comercial.", subj="Programa de referidos",
     body="Hola Bob, ¿conoces alguna herramienta?", charsets=["iso-8859-1", "utf-8"])
lang("it", o_from="Da", o_sent="Inviato", o_to="A", o_cc="Cc", o_subj="Oggetto", n_date="Data",
     apple="Inizio messaggio inoltrato:", yahoo="Messaggio inoltrato", orig="Messaggio originale",
     wrote="Il giorno {date} {name} <{email}> ha scritto:", fw="I:", ooo="Risposta automatica: {s}",
     date="martedì 17 novembre 2026 10:15",
     people=[("Giulia Rossi", "giulia.rossi@esempio.example"), ("Marco Bianchi", "m.bianchi@azienda.example")],
     note="Ciao a tutti, vi presento Giulia, cerca un programma di referral.", subj="Programma referral",
     body="Ciao Bob, conosci qualcuno?", charsets=["iso-8859-1", "utf-8"])
lang("pt", o_from="De", o_sent="Enviada", o_to="Para", o_cc="Cc", o_subj="Assunto", n_date="Data",
     apple="Início da mensagem reencaminhada:", yahoo="Mensagem reencaminhada", orig="Mensagem original",
     wrote="Em {date}, {name} <{email}> escreveu:", fw="FW:", ooo="Resposta automática: {s}",
     date="terça-feira, 17 de novembro de 2026 10:15",
     people=[("João Silva", "joao.silva@exemplo.example"), ("Inês Costa", "ines.costa@empresa-pt.example")],
     note="Olá equipa, apresento-vos o João, procura um programa de referências.", subj="Programa de referências",
     body="Olá Bob, conheces alguém?", charsets=["iso-8859-1", "utf-8"])
lang("pt-BR", o_from="De", o_sent="Enviado", o_to="Para", o_cc="Cc", o_subj="Assunto", n_date="Data",
     apple="Início da mensagem encaminhada:", yahoo="Mensagem encaminhada", orig="Mensagem original",
     wrote="Em {date}, {name} <{email}> escreveu:", fw="ENC:", ooo="Resposta automática: {s}",
     date="terça-feira, 17 de novembro de 2026 10:15",
     people=[("Ana Souza", "ana.souza@exemplo-br.example"), ("Thiago Oliveira", "thiago@empresa-br.example")],
     note="Oi pessoal, apresento a Ana, ela procura um programa de indicação.", subj="Programa de indicação",
     body="Oi Bob, você conhece alguém?", charsets=["iso-8859-1", "utf-8"])
lang("nl", o_from="Van", o_sent="Verzonden", o_to="Aan", o_cc="CC", o_subj="Onderwerp", n_date="Datum",
     apple="Begin doorgestuurd bericht:", yahoo="Doorgestuurd bericht", orig="Oorspronkelijk bericht",
     wrote="Op {date} schreef {name} <{email}>:", fw="FW:", ooo="Automatisch antwoord: {s}",
     date="dinsdag 17 november 2026 10:15",
     people=[("Sanne de Vries", "sanne@voorbeeld.example"), ("Daan Jansen", "daan.jansen@bedrijf.example")],
     note="Hoi allemaal, ik stel jullie voor aan Sanne, ze zoekt een verwijzingsprogramma.",
     subj="Verwijzingsprogramma", body="Hoi Bob, ken jij iemand?", charsets=["iso-8859-1", "utf-8"])
lang("da", o_from="Fra", o_sent="Sendt", o_to="Til", o_cc="Cc", o_subj="Emne", n_date="Dato",
     apple="Start på videresendt besked:", yahoo="Videresendt meddelelse", orig="Oprindelig meddelelse",
     wrote="Den {date} skrev {name} <{email}>:", fw="VS:", ooo="Automatisk svar: {s}",
     date="tirsdag den 17. november 2026 10:15",
     people=[("Mette Jørgensen", "mette@eksempel.example"), ("Søren Nielsen", "soren.nielsen@firma.example")],
     note="Hej alle, mød Mette, hun leder efter et henvisningsprogram.", subj="Henvisningsprogram",
     body="Hej Bob, kender du nogen?", charsets=["iso-8859-1", "utf-8"])
lang("sv", o_from="Från", o_sent="Skickat", o_to="Till", o_cc="Kopia", o_subj="Ämne", n_date="Datum",
     apple="Vidarebefordrat mejl:", yahoo="Vidarebefordrat meddelande", orig="Ursprungligt meddelande",
     wrote="Den {date} skrev {name} <{email}>:", fw="VB:", ooo="Automatiskt svar: {s}",
     date="den 17 november 2026 10:15",
     people=[("Åsa Lindqvist", "asa.lindqvist@exempel.example"), ("Erik Johansson", "erik.j@foretag.example")],
     note="Hej alla, jag vill presentera Åsa, hon letar efter ett värvningsprogram.", subj="Värvningsprogram",
     body="Hej Bob, känner du någon?", charsets=["iso-8859-1", "utf-8"])
lang("nb", o_from="Fra", o_sent="Sendt", o_to="Til", o_cc="Kopi", o_subj="Emne", n_date="Dato",
     apple="Videresendt melding:", yahoo="Videresendt melding", orig="Opprinnelig melding",
     wrote="{date} skrev {name} <{email}>:", fw="Vs:", ooo="Automatisk svar: {s}",
     date="tirsdag 17. november 2026 10:15",
     people=[("Ingrid Hansen", "ingrid@eksempel-as.example"), ("Øyvind Berg", "oyvind.berg@firma-no.example")],
     note="Hei alle, møt Ingrid, hun ser etter et vervingsprogram.", subj="Vervingsprogram",
     body="Hei Bob, kjenner du noen?", charsets=["iso-8859-1", "utf-8"])
lang("fi", o_from="Lähettäjä", o_sent="Lähetetty", o_to="Vastaanottaja", o_cc="Kopio", o_subj="Aihe",
     n_date="Päivämäärä", apple="Välitetty viesti alkaa:", yahoo="Edelleenlähetetty viesti", orig="Alkuperäinen viesti",
     wrote="{name} <{email}> kirjoitti {date}:", fw="VL:", ooo="Automaattinen vastaus: {s}",
     date="tiistai 17. marraskuuta 2026 10.15",
     people=[("Aino Virtanen", "aino.virtanen@esimerkki.example"), ("Mikko Mäkinen", "mikko@yritys.example")],
     note="Hei kaikki, tässä Aino, hän etsii suositteluohjelmaa.", subj="Suositteluohjelma",
     body="Hei Bob, tunnetko ketään?", charsets=["iso-8859-1", "utf-8"])
lang("is", o_from="Frá", o_sent="Sent", o_to="Til", o_cc="Afrit", o_subj="Efni", n_date="Dagsetning",
     apple="Upphaf áframsends skeytis:", yahoo="Áframsent skeyti", orig="Upprunalegt skeyti",
     wrote="Þann {date} skrifaði {name} <{email}>:", fw="FW:", ooo="Sjálfvirkt svar: {s}",
     date="þriðjudagur, 17. nóvember 2026 10:15",
     people=[("Guðrún Jónsdóttir", "gudrun@daemi.example"), ("Ólafur Sigurðsson", "olafur@fyrirtaeki.example")],
     note="Halló öll, hér er Guðrún, hún leitar að tilvísunarkerfi.", subj="Tilvísunarkerfi",
     body="Hæ Bob, þekkirðu einhvern?", charsets=["iso-8859-1", "utf-8"])
lang("pl", o_from="Od", o_sent="Wysłano", o_to="Do", o_cc="DW", o_subj="Temat", n_date="Data",
     apple="Początek przekazywanej wiadomości:", yahoo="Przekazana wiadomość", orig="Wiadomość oryginalna",
     wrote="W dniu {date} {name} <{email}> napisał:", fw="PD:", ooo="Odpowiedź automatyczna: {s}",
     date="wtorek, 17 listopada 2026 10:15",
     people=[("Agnieszka Wójcik", "a.wojcik@przyklad.example"), ("Łukasz Zieliński", "lukasz@firma-pl.example")],
     note="Cześć, przedstawiam Agnieszkę, szuka programu poleceń.", subj="Program poleceń",
     body="Cześć Bob, znasz kogoś?", charsets=["iso-8859-2", "utf-8"])
lang("cs", o_from="Od", o_sent="Odesláno", o_to="Komu", o_cc="Kopie", o_subj="Předmět", n_date="Datum",
     apple="Začátek přeposílané zprávy:", yahoo="Přeposlaná zpráva", orig="Původní zpráva",
     wrote="Dne {date} {name} <{email}> napsal(a):", fw="FW:", ooo="Automatická odpověď: {s}",
     date="úterý 17. listopadu 2026 10:15",
     people=[("Jana Nováková", "jana.novakova@priklad.example"), ("Petr Dvořák", "petr.dvorak@firma-cz.example")],
     note="Ahoj, představuji vám Janu, hledá doporučovací program.", subj="Doporučovací program",
     body="Ahoj Bobe, znáš někoho?", charsets=["iso-8859-2", "utf-8"])
lang("sk", o_from="Od", o_sent="Odoslané", o_to="Komu", o_cc="Kópia", o_subj="Predmet", n_date="Dátum",
     apple="Začiatok preposlanej správy:", yahoo="Preposlaná správa", orig="Pôvodná správa",
     wrote="Dňa {date} {name} <{email}> napísal(a):", fw="FW:", ooo="Automatická odpoveď: {s}",
     date="utorok 17. novembra 2026 10:15",
     people=[("Zuzana Horváthová", "zuzana@priklad-sk.example"), ("Martin Kováč", "martin.kovac@firma-sk.example")],
     note="Ahoj, predstavujem vám Zuzanu, hľadá odporúčací program.", subj="Odporúčací program",
     body="Ahoj Bob, poznáš niekoho?", charsets=["iso-8859-2", "utf-8"])
lang("sl", o_from="Od", o_sent="Poslano", o_to="Za", o_cc="Kp", o_subj="Zadeva", n_date="Datum",
     apple="Začetek posredovanega sporočila:", yahoo="Posredovano sporočilo", orig="Izvirno sporočilo",
     wrote="{date} je {name} <{email}> napisal(a):", fw="FW:", ooo="Samodejni odgovor: {s}",
     date="torek, 17. november 2026 10:15",
     people=[("Maja Novak", "maja.novak@primer-si.example"), ("Luka Kranjc", "luka@podjetje.example")],
     note="Živjo, predstavljam vam Majo, išče program priporočil.", subj="Program priporočil",
     body="Živjo Bob, poznaš koga?", charsets=["iso-8859-2", "utf-8"])
lang("hu", o_from="Feladó", o_sent="Elküldve", o_to="Címzett", o_cc="Másolatot kap", o_subj="Tárgy",
     n_date="Dátum", apple="Továbbított levél kezdete:", yahoo="Továbbított üzenet", orig="Eredeti üzenet",
     wrote="{date} időpontban {name} <{email}> ezt írta:", fw="Fw:", ooo="Automatikus válasz: {s}",
     date="2026. november 17., kedd 10:15",
     people=[("Kovács Eszter", "eszter.kovacs@pelda.example"), ("Nagy Gábor", "gabor.nagy@ceg.example")],
     note="Sziasztok, bemutatom Esztert, ajánlói programot keres.", subj="Ajánlói program",
     body="Szia Bob, ismersz valakit?", charsets=["iso-8859-2", "utf-8"])
lang("hr", o_from="Šalje", o_sent="Poslano", o_to="Prima", o_cc="Kopija", o_subj="Predmet", n_date="Datum",
     apple="Započni proslijeđenu poruku:", yahoo="Proslijeđena poruka", orig="Izvorna poruka",
     wrote="{date}, {name} <{email}> je napisao/la:", fw="Fw:", ooo="Automatski odgovor: {s}",
     date="utorak, 17. studenoga 2026. 10:15",
     people=[("Ivana Horvat", "ivana.horvat@primjer.example"), ("Marko Babić", "marko.babic@tvrtka.example")],
     note="Bok svima, predstavljam vam Ivanu, traži program preporuka.", subj="Program preporuka",
     body="Bok Bob, znaš li nekoga?", charsets=["iso-8859-2", "utf-8"])
lang("sr", o_from="Од", o_sent="Послато", o_to="За", o_cc="Копија", o_subj="Тема", n_date="Датум",
     apple="Почетак прослеђене поруке:", yahoo="Прослеђена порука", orig="Оригинална порука",
     wrote="{date}, {name} <{email}> је написао/ла:", fw="FW:", ooo="Аутоматски одговор: {s}",
     date="уторак, 17. новембар 2026. 10:15",
     people=[("Милица Јовановић", "milica@primer-rs.example"), ("Nikola Petrović", "nikola.petrovic@firma-rs.example")],
     note="Здраво, представљам вам Милицу, тражи програм препорука.", subj="Програм препорука",
     body="Здраво Бобе, знаш ли некога?", charsets=["utf-8", "iso-8859-5"])
lang("ro", o_from="De la", o_sent="Trimis", o_to="Către", o_cc="Cc", o_subj="Subiect", n_date="Dată",
     apple="Începe mesajul redirecționat:", yahoo="Mesaj redirecționat", orig="Mesaj original",
     wrote="Pe {date}, {name} <{email}> a scris:", fw="Redir.:", ooo="Răspuns automat: {s}",
     date="marți, 17 noiembrie 2026 10:15",
     people=[("Ioana Popescu", "ioana.popescu@exemplu.example"), ("Andrei Ionescu", "andrei@firma-ro.example")],
     note="Bună, vă prezint pe Ioana, caută un program de recomandare.", subj="Program de recomandare",
     body="Salut Bob, știi pe cineva?", charsets=["iso-8859-16", "utf-8"])
lang("bg", o_from="От", o_sent="Изпратено", o_to="До", o_cc="Копие", o_subj="Относно", n_date="Дата",
     apple="Начало на препратеното съобщение:", yahoo="Препратено съобщение", orig="Оригинално съобщение",
     wrote="На {date} {name} <{email}> написа:", fw="FW:", ooo="Автоматичен отговор: {s}",
     date="вторник, 17 ноември 2026 г. 10:15",
     people=[("Мария Иванова", "maria.ivanova@primer-bg.example"), ("Георги Петров", "georgi@firma-bg.example")],
     note="Здравейте, запознайте се с Мария, търси програма за препоръки.", subj="Програма за препоръки",
     body="Здравей, Боб, познаваш ли някого?", charsets=["windows-1251", "utf-8"])
lang("ru", o_from="От", o_sent="Отправлено", o_to="Кому", o_cc="Копия", o_subj="Тема", n_date="Дата",
     apple="Начало переадресованного сообщения:", yahoo="Пересылаемое сообщение", orig="Исходное сообщение",
     wrote="{date}, {name} <{email}> написал(а):", fw="FW:", ooo="Автоответ: {s}",
     date="17 ноября 2026 г., 10:15",
     people=[("Иван Петров", "ivan.petrov@primer.example"), ("Анна Смирнова", "anna.smirnova@kompaniya.example")],
     note="Коллеги, знакомьтесь: Иван, руководитель отдела продаж.", subj="Реферальная программа",
     body="Боб, привет! Подскажешь сервис?", charsets=["windows-1251", "koi8-r", "utf-8"])
lang("uk", o_from="Від", o_sent="Надіслано", o_to="Кому", o_cc="Копія", o_subj="Тема", n_date="Дата",
     apple="Початок листа, що пересилається:", yahoo="Перенаправлене повідомлення", orig="Оригінальне повідомлення",
     wrote="{date}, {name} <{email}> написав(ла):", fw="FW:", ooo="Автовідповідь: {s}",
     date="17 листопада 2026 р., 10:15",
     people=[("Олена Шевченко", "olena@pryklad.example"), ("Тарас Коваленко", "taras.kovalenko@firma-ua.example")],
     note="Колеги, знайомтеся: Олена, шукає реферальну програму.", subj="Реферальна програма",
     body="Привіт, Бобе! Знаєш когось?", charsets=["koi8-u", "windows-1251", "utf-8"])
lang("el", o_from="Από", o_sent="Στάλθηκε", o_to="Προς", o_cc="Κοιν.", o_subj="Θέμα", n_date="Ημερομηνία",
     apple="Αρχή προωθημένου μηνύματος:", yahoo="Προωθημένο μήνυμα", orig="Αρχικό μήνυμα",
     wrote="Στις {date}, ο/η {name} <{email}> έγραψε:", fw="ΠΡΘ:", ooo="Αυτόματη απάντηση: {s}",
     date="Τρίτη, 17 Νοεμβρίου 2026 10:15",
     people=[("Μαρία Παπαδοπούλου", "maria@paradeigma.example"), ("Γιώργος Νικολάου", "giorgos@etaireia.example")],
     note="Γεια σας, σας συστήνω τη Μαρία, ψάχνει πρόγραμμα συστάσεων.", subj="Πρόγραμμα συστάσεων",
     body="Γεια σου Bob, ξέρεις κάποιον;", charsets=["iso-8859-7", "utf-8"])
lang("tr", o_from="Kimden", o_sent="Gönderildi", o_to="Kime", o_cc="Bilgi", o_subj="Konu", n_date="Tarih",
     apple="İleti başlangıcı:", yahoo="İletilmiş Mesaj", orig="Özgün İleti",
     wrote="{date} tarihinde {name} <{email}> şunu yazdı:", fw="İLT:", ooo="Otomatik yanıt: {s}",
     date="17 Kasım 2026 Salı 10:15",
     people=[("Ayşe Yılmaz", "ayse.yilmaz@ornek.example"), ("Mehmet Öztürk", "mehmet@sirket.example")],
     note="Merhaba, size Ayşe'yi tanıtmak istiyorum, bir tavsiye programı arıyor.", subj="Tavsiye programı",
     body="Merhaba Bob, birini tanıyor musun?", charsets=["iso-8859-9", "utf-8"])
lang("et", o_from="Saatja", o_sent="Saadetud", o_to="Adressaat", o_cc="Koopia", o_subj="Teema", n_date="Kuupäev",
     apple="Edasisaadetud kirja algus:", yahoo="Edastatud kiri", orig="Algsõnum",
     wrote="{date} kirjutas {name} <{email}>:", fw="FW:", ooo="Automaatvastus: {s}",
     date="teisipäev, 17. november 2026 10:15",
     people=[("Kadri Tamm", "kadri.tamm@naide.example"), ("Jüri Saar", "juri.saar@ettevote.example")],
     note="Tere, tutvustan teile Kadrit, ta otsib soovitusprogrammi.", subj="Soovitusprogramm",
     body="Tere Bob, kas tead kedagi?", charsets=["iso-8859-15", "utf-8"])
lang("lv", o_from="No", o_sent="Nosūtīts", o_to="Kam", o_cc="Kopija", o_subj="Tēma", n_date="Datums",
     apple="Pārsūtītā ziņojuma sākums:", yahoo="Pārsūtīta ziņa", orig="Sākotnējais ziņojums",
     wrote="{date} {name} <{email}> rakstīja:", fw="FW:", ooo="Automātiskā atbilde: {s}",
     date="otrdiena, 2026. gada 17. novembris 10:15",
     people=[("Līga Bērziņa", "liga@piemers.example"), ("Jānis Kalniņš", "janis.kalnins@uznemums.example")],
     note="Sveiki, iepazīstinu ar Līgu, viņa meklē ieteikumu programmu.", subj="Ieteikumu programma",
     body="Sveiks, Bob, vai tu kādu pazīsti?", charsets=["iso-8859-13", "utf-8"])
lang("lt", o_from="Nuo", o_sent="Išsiųsta", o_to="Kam", o_cc="Kopija", o_subj="Tema", n_date="Data",
     apple="Persiųsto laiško pradžia:", yahoo="Persiųstas laiškas", orig="Pradinis pranešimas",
     wrote="{date} {name} <{email}> rašė:", fw="FW:", ooo="Automatinis atsakymas: {s}",
     date="2026 m. lapkričio 17 d., antradienis 10:15",
     people=[("Rūta Kazlauskienė", "ruta@pavyzdys.example"), ("Tomas Petrauskas", "tomas@imone.example")],
     note="Sveiki, pristatau Rūtą, ji ieško rekomendacijų programos.", subj="Rekomendacijų programa",
     body="Labas, Bob, ar pažįsti ką nors?", charsets=["iso-8859-13", "utf-8"])
lang("ar", o_from="من", o_sent="تم الإرسال", o_to="إلى", o_cc="نسخة", o_subj="الموضوع", n_date="التاريخ",
     apple="بداية الرسالة المعاد توجيهها:", yahoo="الرسالة المعاد توجيهها", orig="الرسالة الأصلية",
     wrote="في {date}، كتب {name} <{email}>:", fw="إعادة توجيه:", ooo="رد تلقائي: {s}",
     date="الثلاثاء، 17 نوفمبر 2026 10:15 ص",
     people=[("سارة أحمد", "sara.ahmed@mithal.example"), ("محمد علي", "mohamed.ali@sharika.example")],
     note="مرحبا، أقدم لكم سارة، تبحث عن برنامج إحالة.", subj="برنامج الإحالة",
     body="مرحبا بوب، هل تعرف أحدا؟", charsets=["windows-1256", "utf-8"])
lang("he", o_from="מאת", o_sent="נשלח", o_to="אל", o_cc="עותק", o_subj="נושא", n_date="תאריך",
     apple="תחילת הודעה שהועברה:", yahoo="הודעה שהועברה", orig="הודעה מקורית",
     wrote="ב-{date}, {name} <{email}> כתב/ה:", fw="FW:", ooo="תשובה אוטומטית: {s}",
     date="יום שלישי 17 נובמבר 2026 10:15",
     people=[("דנה כהן", "dana.cohen@dugma.example"), ("יוסי לוי", "yossi.levi@hevra.example")],
     note="שלום, אני מציג לכם את דנה, היא מחפשת תוכנית הפניות.", subj="תוכנית הפניות",
     body="היי בוב, אתה מכיר מישהו?", charsets=["windows-1255", "utf-8"])
lang("fa", o_from="از", o_sent="ارسال شده", o_to="به", o_cc="رونوشت", o_subj="موضوع", n_date="تاریخ",
     apple="آغاز پیام بازارسال‌شده:", yahoo="پیام بازارسال‌شده", orig="پیام اصلی",
     wrote="در {date}، {name} <{email}> نوشت:", fw="FW:", ooo="پاسخ خودکار: {s}",
     date="سه‌شنبه، ۱۷ نوامبر ۲۰۲۶ ۱۰:۱۵",
     people=[("مریم رضایی", "maryam@nemoone.example"), ("علی محمدی", "ali.mohammadi@sherkat.example")],
     note="سلام، مریم را معرفی می‌کنم، دنبال برنامه معرفی است.", subj="برنامه معرفی",
     body="سلام باب، کسی را می‌شناسی؟", charsets=["utf-8"])
lang("ja", o_from="差出人", o_sent="送信日時", o_to="宛先", o_cc="CC", o_subj="件名", n_date="日付",
     apple="転送されたメッセージ:", yahoo="転送メッセージ", orig="元のメッセージ",
     wrote="{date} {name} <{email}>:", fw="FW:", ooo="自動応答: {s}",
     date="2026年11月17日 火曜日 10:15",
     people=[("山田 太郎", "taro.yamada@rei.example"), ("佐藤 花子", "hanako.sato@kaisha.example")],
     note="皆さん、山田さんをご紹介します。紹介プログラムを探しています。", subj="紹介プログラムについて",
     body="ボブさん、どなたかご存じですか？", charsets=["iso-2022-jp", "shift_jis", "utf-8"])
lang("ko", o_from="보낸 사람", o_sent="보낸 날짜", o_to="받는 사람", o_cc="참조", o_subj="제목", n_date="날짜",
     apple="전달된 메시지:", yahoo="전달된 메시지", orig="원본 메시지",
     wrote="{date}, {name} <{email}>님이 작성:", fw="FW:", ooo="자동 회신: {s}",
     date="2026년 11월 17일 화요일 오전 10:15",
     people=[("김민준", "minjun.kim@yeshi.example"), ("이서연", "seoyeon.lee@hoesa.example")],
     note="안녕하세요, 김민준 님을 소개합니다. 추천 프로그램을 찾고 있습니다.", subj="추천 프로그램",
     body="밥, 아는 사람 있어?", charsets=["euc-kr", "utf-8"])
lang("zh-CN", o_from="发件人", o_sent="发送时间", o_to="收件人", o_cc="抄送", o_subj="主题", n_date="日期",
     apple="以下是转发的邮件：", yahoo="转发的邮件", orig="原始邮件",
     wrote="{name} <{email}> 于{date}写道：", fw="转发:", ooo="自动回复: {s}",
     date="2026年11月17日 星期二 10:15",
     people=[("王伟", "wang.wei@lizi.example"), ("李娜", "li.na@gongsi.example")],
     note="大家好，介绍一下王伟，他在找推荐计划。", subj="推荐计划", body="鲍勃，你认识合适的人吗？",
     charsets=["gb2312", "gbk", "utf-8"])
lang("zh-TW", o_from="寄件者", o_sent="寄件日期", o_to="收件者", o_cc="副本", o_subj="主旨", n_date="日期",
     apple="轉寄的郵件：", yahoo="轉寄的郵件", orig="原始郵件",
     wrote="{name} <{email}> 於 {date} 寫道：", fw="轉寄:", ooo="自動回覆: {s}",
     date="2026年11月17日 星期二 上午 10:15",
     people=[("陳志明", "chen.zhiming@fanli.example"), ("林美玲", "lin.meiling@gongsi-tw.example")],
     note="大家好，介紹一下陳志明，他在找推薦計畫。", subj="推薦計畫", body="鮑勃，你認識適合的人嗎？",
     charsets=["big5", "utf-8"])
lang("vi", o_from="Từ", o_sent="Đã gửi", o_to="Đến", o_cc="Cc", o_subj="Chủ đề", n_date="Ngày",
     apple="Bắt đầu thư được chuyển tiếp:", yahoo="Thư được chuyển tiếp", orig="Thư gốc",
     wrote="Vào {date}, {name} <{email}> đã viết:", fw="FW:", ooo="Trả lời tự động: {s}",
     date="Thứ Ba, ngày 17 tháng 11 năm 2026 10:15",
     people=[("Nguyễn Thị Lan", "lan.nguyen@vidu.example"), ("Trần Văn Minh", "minh.tran@congty.example")],
     note="Chào mọi người, xin giới thiệu chị Lan, chị ấy đang tìm chương trình giới thiệu.",
     subj="Chương trình giới thiệu", body="Chào Bob, anh có biết ai không?", charsets=["utf-8", "windows-1258"])
lang("id", o_from="Dari", o_sent="Dikirim", o_to="Kepada", o_cc="Cc", o_subj="Perihal", n_date="Tanggal",
     apple="Awal pesan yang diteruskan:", yahoo="Pesan yang Diteruskan", orig="Pesan Asli",
     wrote="Pada {date}, {name} <{email}> menulis:", fw="FW:", ooo="Balasan otomatis: {s}",
     date="Selasa, 17 November 2026 10.15",
     people=[("Siti Rahayu", "siti.rahayu@contoh.example"), ("Budi Santoso", "budi@perusahaan.example")],
     note="Halo semua, perkenalkan Siti, dia mencari program referensi.", subj="Program referensi",
     body="Halo Bob, kamu kenal seseorang?", charsets=["utf-8", "iso-8859-1"])
lang("th", o_from="จาก", o_sent="ส่ง", o_to="ถึง", o_cc="สำเนา", o_subj="เรื่อง", n_date="วันที่",
     apple="เริ่มข้อความที่ส่งต่อ:", yahoo="ข้อความที่ส่งต่อ", orig="ข้อความต้นฉบับ",
     wrote="เมื่อ {date} {name} <{email}> เขียนว่า:", fw="FW:", ooo="ตอบกลับอัตโนมัติ: {s}",
     date="วันอังคารที่ 17 พฤศจิกายน 2026 10:15",
     people=[("สมชาย ใจดี", "somchai@tuayang.example"), ("สุดา แก้วมณี", "suda@borisat.example")],
     note="สวัสดีครับ ขอแนะนำคุณสมชาย เขากำลังหาโปรแกรมแนะนำ", subj="โปรแกรมแนะนำ",
     body="สวัสดีบ็อบ รู้จักใครไหม", charsets=["tis-620", "utf-8"])

# Gmail writes "---------- Forwarded message ---------" in every locale and
# localizes only the From label (crisp-oss/email-forward-parser's fixtures);
# Date, Subject and To stay English.
GMAIL_FROM = {"en": "From", "de": "Von", "fr": "De", "es": "De", "it": "Da", "pt": "De", "pt-BR": "De", "nl": "Van",
              "da": "Fra", "sv": "Från", "nb": "Fra", "fi": "Lähettäjä", "is": "Frá", "pl": "Od", "cs": "Od",
              "sk": "Od", "sl": "Od", "hu": "Feladó", "hr": "Šalje", "sr": "Од", "ro": "De la", "bg": "От",
              "ru": "От", "uk": "Від", "el": "Από", "tr": "Gönderen", "et": "Saatja", "lv": "No", "lt": "Nuo",
              "ar": "من", "he": "מאת", "fa": "از", "ja": "差出人", "ko": "보낸사람", "zh-CN": "发件人",
              "zh-TW": "寄件者", "vi": "Từ", "id": "Dari", "th": "จาก"}

# Outlook 2019 desktop forwards a plain-text mail under an attribution line
# (crisp-oss/email-forward-parser's separator_with_information); the
# subject's forward prefix is what tells it from a reply.
OUTLOOK_2019 = {
    "cs": "Dne {date}, {name} <{email}> napsal(a):",
    "da": "D. {date} skrev \"{name}\" <{email}>:",
    "de": "Am {date} schrieb \"{name}\" <{email}>:",
    "en": "On {date}, \"{name}\" <{email}> wrote:",
    "es": "El {date}, \"{name}\" <{email}> escribió:",
    "fr": "Le {date}, «{name}» <{email}> a écrit :",
    "fi": "{name} <{email}> kirjoitti {date}:",
    "hu": "{date} időpontban {name} <{email}> ezt írta:",
    "it": "Il giorno {date} \"{name}\" <{email}> ha scritto:",
    "nl": "Op {date} heeft {name} <{email}> geschreven:",
    "nb": "{name} <{email}> skrev følgende den {date}:",
    "pl": "Dnia {date} „{name}” <{email}> napisał:",
    "pt": "Em {date}, \"{name}\" <{email}> escreveu:",
    "ru": "{date} пользователь \"{name}\" <{email}> написал:",
    "sk": "{date} používateľ {name} (<{email}>) napísal:",
    "sv": "Den {date} skrev \"{name}\" <{email}> följande:",
    "tr": "\"{name}\" <{email}>, {date} tarihinde şunu yazdı:",
}
