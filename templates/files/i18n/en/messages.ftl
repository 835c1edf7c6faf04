# English, the source language. Ids are the templates' and the code's keys
# with dots as dashes (`state.redeemed` is `state-redeemed`).

language-name = English
render-failed = Sorry, something went wrong while writing this answer.

state-issued = recorded, waiting for them to join
state-redeemed = joined with your code
state-qualified = qualified
state-converted = customer, reward pending
state-rewarded = customer, rewarded
state-rejected = not counted
reward-pending = pending
reward-approved = approved
reward-paid = paid
reward-void = voided
period-month = this month
period-quarter = this quarter
period-year = this year
period-all = all time
hold-disposable_email = their email address is at a disposable-mail service
hold-same_inbox = they share an inbox with the referrer (an alias or dot spelling)
hold-new_account = they joined with a very new account
intro-received = introduction received
intro-consent_requested = asked for consent
intro-accepted = said yes to the introduction
intro-declined = declined the introduction
intro-meeting = meeting
intro-won = won
intro-lost = lost
action-get_code = Get my referral code
action-see_referrals = See my referrals
action-rsvp_yes = Yes
action-rsvp_no = No
action-rsvp_maybe = Maybe
action-confirm_seat = Confirm my seat
action-pass_seat = Pass it on
action-skip_date = Can't make it this time
action-take_seat_date = Take the seat for { $value }
action-choose = Choose…
action-share = Share my link
action-consent_yes = Yes, introduce me
action-consent_no = No, thank you

guests = { $count ->
    [one] { $count } guest
   *[other] { $count } guests
}
people-told = { $count ->
    [one] { $count } person was
   *[other] { $count } people were
}
referrals = { $count ->
    [one] { $count } referral
   *[other] { $count } referrals
}
answers = { $count ->
    [one] { $count } answer
   *[other] { $count } answers
}
days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}

# Rewards, as `Reward::describe` words them in English.
# Event kinds and audiences as the engine words them in English.
event-kind-lunch = lunch
event-kind-mastermind = mastermind
event-kind-expert-club = expert-club
event-kind-advisory-board = advisory-board
event-kind-webinar = webinar
audience-everyone = everyone
audience-champions = champions with { $count }+ referrals
audience-role = { $role }s
audience-list = invited guests only
soon-days = { $count ->
    [one] tomorrow
   *[other] in { $count } days
}
soon-hours = { $count ->
    [one] in an hour
   *[other] in { $count } hours
}
soon-minutes = { $count ->
    [one] in a minute
   *[other] in { $count } minutes
}
cap-month = { $max } per month
cap-quarter = { $max } per quarter
cap-year = { $max } per year
reward-nothing = no reward
reward-discount = { $percent }% off
reward-free-months = { $count ->
    [one] { $count } free month
   *[other] { $count } free months
}
reward-credit = { $amount } account credit
reward-cashback = { $amount } cashback
reward-donation = a { $amount } donation to charity
reward-swag = a gift: { $what }
reward-feature = { $what } unlocked
reward-seat = a seat at { $what }

# Command descriptions: the help list, the Telegram menu and Discord's slash
# command descriptions (100 characters at most).
command-help = What I can do for you
command-code = Get your personal referral code and share text
command-redeem = Use a friend's referral code
command-refer = Record someone you referred
command-partner = Ask a partner how best to refer clients to them (ideal intro in reverse)
command-consent = Accept or decline an introduction someone made for you
command-shoutout = Choose whether we may thank you by name in public when your referral wins
command-wishes = Who we'd most like to meet: introductions we'd love
command-wish = Keep the wish list champions see: people and companies to be introduced to
command-unsubscribe = Stop notices to where you write from (answers to you still come)
command-subscribe = Get notices again after unsubscribing or declining
command-mine = Your referrals, their progress and your rewards
command-why = Explain your reward balance, entry by entry
command-leaderboard = Who referred the most
command-nps = How likely are you to recommend us (0-10)?
command-heard = Tell us how you heard about us
command-link = Connect your accounts on other channels
command-program = Create and tune referral programs
command-referrals = List referrals with the ids other commands take
command-convert = Mark a referral as a new customer
command-approve = Approve a referral's rewards (or qualify it before conversion)
command-thank = Send the referrer a personal thank-you note, signed by you
command-reject = Reject a referral, with a reason
command-refund = A converted customer was refunded: reverse the rewards
command-reward = List rewards, mark one as paid out
command-role = Give or take away a role
command-report = Referrals per month, conversion, value, ROI, LTV:CAC
command-events = Upcoming events, or the ones you are invited to
command-event = Schedule events, invite people, edit or cancel
command-rsvp = Answer an event invitation
command-agenda = An event's agenda and guest expert
command-attendees = Who is coming, who is waiting, who declined
command-ics = An event's calendar file, or your calendar feed
command-feed = A link that keeps your calendar app up to date with your events
command-timezone = Show or set the time zone event times are shown in
command-language = Choose the language I answer you in

# Mail: the subject of a notice without its own, and a choice offered as a reply.
mail-note-from = A note from { $community }
mail-reply-with = { $label }: reply with "{ $command }"
mail-or-reply-with = (or reply with "{ $command }")

# Pages of signed links (the web server).
page-confirm = { $community } asks you to confirm: press the button below. Nothing happens until you do.
page-done = Done
page-nothing-changed = Nothing was changed
page-unsubscribe = Unsubscribe
page-unsubscribe-ask = Press the button and { $community } will not mail { $address } again.
page-unsubscribed = You are unsubscribed
page-unsubscribed-text = { $community } will not mail { $address } again.
page-expired = This link has expired
page-expired-text = Links in { $community }'s mail work for 30 days. Nothing was changed; reply to the mail or use the chat instead.
page-share-unknown = This link does not work
page-share-unknown-text = The code in it is unknown or no longer active. Ask the person who shared it for a fresh link.
page-share-title = Your invitation to { $community }
page-share-code = Your referral code: { $code }
page-share-how = Use it when you join { $community }. Already with us? Send “redeem { $code }” to the { $community } bot in Telegram or Discord, or by email.

unverified-refer = record this introduction
unverified-consent = take this answer to the introduction
unverified-rsvp = take this answer to the invitation
unverified-subscribe = turn notices back on
unverified-unsubscribe = change your notices
unverified-link = link this address to another account
unverified-role = change anyone's role
unverified-other = act on it for your account

# How long an event lasts.
duration-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
duration-hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}
duration-hours-minutes = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
} { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
# A percentage; $value is already written with the language's separators.
percent = { $value }%
# How often a series meets, after the date: "…, 1 hour, every month on the first Tuesday".
every-week = every week
every-month = every month
every-quarter = every quarter
every-month-weekday = every month on the { $nth ->
    [first] first
    [second] second
    [third] third
    [fourth] fourth
   *[last] last
} { $weekday ->
    [mon] Monday
    [tue] Tuesday
    [wed] Wednesday
    [thu] Thursday
    [fri] Friday
    [sat] Saturday
   *[sun] Sunday
}
# Roles as people read them; the command words (`role grant X organizer`) stay English.
role-member = member
role-champion = champion
role-organizer = organizer
role-admin = admin
# This language named mid-sentence: "I'll answer you in English."
language-in = in English

# Argument help: `help COMMAND` and Discord's option descriptions (100
# characters at most). Argument names and choice words stay as typed.
arg-help-command = A command to explain
arg-code-program = Which referral program (default: the main one)
arg-redeem-code = The code someone gave you, like 7K3M-9QXP
arg-refer-name = Their name
arg-refer-email = Their email address
arg-refer-note = Why they'd be a good fit
arg-partner-email = The partner's email address
arg-partner-name = The partner's name
arg-consent-referral = The introduction's id, from the mail you received
arg-consent-answer = yes to be introduced, no to decline
arg-shoutout-answer = on: thank me by name in public; off: don't
arg-wish-action = add TEXT, or drop ID
arg-wish-text = Who (a company, a role; a domain like northwind.com matches introductions), or the id to drop
arg-leaderboard-period = month, quarter, year or all (default)
arg-nps-score = 0 to 10: how likely you are to recommend us
arg-nps-comment = Anything you'd like to add
arg-heard-source = Who or what told you about us
arg-link-code = The one-time code from your other account
arg-program-action = What to do
arg-program-name = The program's short name
arg-program-settings = key=value settings (see help program)
arg-referrals-state = Only referrals in this state
arg-convert-referral = Referral id from `referrals`
arg-convert-value = What the new customer is worth, e.g. 1200
arg-approve-referral = Referral id from `referrals`
arg-thank-referral = Referral id from `referrals`
arg-thank-message = Your note, in your words
arg-reject-referral = Referral id from `referrals`
arg-reject-reason = Told to the referrer
arg-refund-referral = Referral id from `referrals`
arg-refund-reason = Shown in `why` and to organizers
arg-reward-action = paid ID, or list [status]
arg-reward-id = Reward id (for paid) or status (for list)
arg-role-action = grant or revoke
arg-role-identity = alice, telegram:ID, discord:ID or email:ADDRESS
arg-role-role = The role: champion, organizer or admin
arg-report-month = YYYY-MM (default: everything)
arg-events-which = upcoming (default) or mine
arg-event-action = What to do
arg-event-event = Event id, like E3 (not for create)
arg-event-settings = key=value: kind title start tz every capacity duration agenda expert location audience
arg-rsvp-event = Event id, like E3
arg-rsvp-answer = yes, no or maybe
arg-rsvp-date = One date of a series (YYYY-MM-DD or next); default: the whole series
arg-rsvp-guests = Guests you bring, like +1
arg-rsvp-identity = Organizers: answer for this person
arg-agenda-event = Event id, like E3
arg-attendees-event = Event id, like E3
arg-attendees-date = Which date of a series (YYYY-MM-DD or next); default: the next
arg-ics-event = Event id (default: your own calendar feed)
arg-ics-member = Organizers: --member IDENTITY for someone's feed
arg-feed-reset = reset: revoke the link given before and make a new one
arg-timezone-zone = An IANA zone like Europe/Bucharest
arg-language-code = A language code like ru, ar or ro; auto follows your app again

# Your answer to an event, in the events list ("· you: coming").
rsvp-invited = not answered yet
rsvp-yes = coming
rsvp-no = not coming
rsvp-maybe = maybe
rsvp-waitlisted = on the waitlist

# Why a role change is refused: "I can't change that role: …."
role-refused-member = everyone is a member; grant champion, organizer or admin
role-refused-admin = only an admin can grant or revoke admin
role-refused-stranger = { $identity } has never talked to me, so has no roles

# Why a command or a setting was refused: the `problem` of a usage or
# setting error ("Sorry, { problem }.").
problem-missing-code = the code is missing
problem-missing-program = the program name is missing
problem-missing-score = the score is missing
problem-missing-partner-email = the partner's email address is missing
problem-missing-wish-id = the wish's id is missing (see `wishes`)
problem-missing-reward-id = the reward id is missing
problem-missing-who = say who
problem-missing-role = the role is missing
problem-missing-feed-owner = say whose feed
problem-missing-event-id = the event id is missing
problem-missing-skip-date = the date to skip is missing (YYYY-MM-DD)
problem-missing-referral-id = the referral id is missing
problem-unexpected = I didn't expect '{ $word }'
problem-settings-form = settings look like key=value, not '{ $word }'
problem-not-one-of = '{ $word }' isn't one of { $options }
problem-refer-email = I need their email address, e.g. refer Jane Doe jane@acme.com
problem-refer-name-first = their name comes first, then the email address
problem-name-too-long = the name is too long ({ $max } characters at most)
problem-note-too-long = the note is too long ({ $max } characters at most)
problem-comment-too-long = the comment is too long ({ $max } characters at most)
problem-answer-too-long = that's a bit long ({ $max } characters at most)
problem-reason-too-long = the reason is too long ({ $max } characters at most)
problem-wish-too-long = keep it under { $max } characters
problem-score = the score is a whole number from 0 to 10, not '{ $word }'
problem-heard-what = tell me who or what, e.g. heard a friend at Acme
problem-program-action = say what to do: list, show, create, set, pause or resume
problem-program-set-what = say what to change, e.g. program set customer cap=12/year
problem-consent-answer = answer yes or no, e.g. consent 12 yes
problem-wish-who = say who you'd like to meet, e.g. wish add Northwind Traders northwind.com
problem-wish-id = '{ $word }' isn't a wish id like A3
problem-wish-action = add TEXT, or drop ID
problem-wish-exists = { $target } is already on the list as { $id }
problem-on-off = say on or off
problem-reward-id = '{ $word }' isn't a reward id
problem-reward-status = status is pending, approved, paid or void
problem-month = write the month as YYYY-MM, not '{ $word }'
problem-date = write the date as YYYY-MM-DD, not '{ $word }'
problem-occurrence-date = give a date as YYYY-MM-DD or next, not '{ $word }'
problem-feed-action = feed, or feed reset to revoke the old link
problem-timezone = '{ $word }' isn't a time zone I know; use an IANA name like Europe/Bucharest
problem-event-id = '{ $word }' isn't an event id; `events` lists them
problem-event-action = say what to do: create, edit, cancel, invite, show or skip
problem-event-edit-what = say what to change, e.g. event edit E3 capacity=12
problem-invite-max = invite at most { $max } people at a time
problem-flag-value = --{ $flag } needs a value
problem-one-date = answer for one date at a time
problem-guests = guests look like +1 or +2, not '{ $word }'
problem-rsvp-answer = answer yes, no or maybe
problem-rsvp-answer-not = answer yes, no or maybe (not '{ $word }')
problem-rsvp-maybe-date = for one date answer yes or no; maybe is for the whole series
problem-referral-id = '{ $word }' isn't a referral id; `referrals` lists them
problem-own-referral = that's your own referral
problem-event-time = write it as YYYY-MM-DD HH:MM in the event's time zone, not '{ $value }'
problem-duration = '{ $value }' isn't a duration like 90m or 1h30m
problem-kinds = kinds are { $list }
problem-title = a title has 1 to { $max } characters
problem-every = use week, month, month-weekday, quarter or none
problem-capacity = a number of seats, or none
problem-plus-ones = 0 to { $max } guests per person
problem-audience = use everyone, champions:N, role:champion or list
problem-setting-keys = the settings are { $list }
problem-days = '{ $value }' isn't a number of days
problem-cap = write it like 12/year, 3/month or none
problem-approval = approval is auto or manual
problem-currency = use a three-letter code like USD or EUR
problem-lifetime = lifetime is in years, e.g. 3 or 2.5
problem-code-length = a referral code has 8 letters and digits, but that has { $count }
problem-code-char = referral codes never contain '{ $char }' (no 0, O, 1, I or L, so they are easy to read)
problem-email = '{ $value }' doesn't look like an email address
problem-identity = '{ $value }' isn't an identity; use a console name, telegram:ID, discord:ID or email:ADDRESS
problem-role = '{ $value }' isn't a role; roles are member, champion, organizer and admin
problem-money = '{ $value }' isn't an amount; write it like 50 or 49.99
problem-id = '{ $value }' isn't a valid id
problem-slug = '{ $value }' isn't a valid name; use letters, digits and dashes, starting with a letter
problem-reward = '{ $value }' isn't a reward; try credit:50, discount:20%, free-months:1, cashback:25, donation:25, swag:TEXT, feature:TEXT, event-seat:TEXT or custom:TEXT
problem-value = '{ $value }' isn't a valid { $key }
problem-invalid = that value isn't valid
approval-auto = automatic
approval-manual = reviewed by an organizer

# Why a referral or reward cannot take that step ("Can't convert R1: it is converted — HINT.").
hint-waiting-approve = it is waiting for `approve`
hint-rewards-granted = its rewards were already granted
hint-stays-rejected = rejected referrals stay rejected
hint-already-qualified = it is already qualified; `convert` it when they become a customer
hint-rewards-approved = its rewards were already approved
hint-already-rejected = it is already rejected
hint-reward-paid-out = a reward for it was already paid out
hint-approve-first = approve its referral first
hint-already-paid = it was already paid
hint-referral-rejected = its referral was rejected
# Why a date of a series takes no answer ("Sorry, Lunch REASON on 2026-12-11").
occurrence-no-meeting = doesn't meet
occurrence-skipped = is skipped
occurrence-started = already started

# The labels of an event's description in the calendars vouch writes.
ics-expert = Guest expert
ics-agenda = Agenda
