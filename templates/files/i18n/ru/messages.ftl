# Русский. Дружеский тон сообщества, обращение на «вы».

language-name = Русский
render-failed = Извините, при подготовке ответа что-то пошло не так.

state-issued = записан, ждём, когда присоединится
state-redeemed = присоединился по вашему коду
state-qualified = подтверждён
state-converted = стал клиентом, награда в обработке
state-rewarded = стал клиентом, награда получена
state-rejected = не засчитан
reward-pending = ожидает
reward-approved = одобрена
reward-paid = выплачена
reward-void = аннулирована
period-month = в этом месяце
period-quarter = в этом квартале
period-year = в этом году
period-all = за всё время
hold-disposable_email = адрес почты — одноразовый
hold-same_inbox = у них общий ящик с рекомендателем (псевдоним или вариант написания с точками)
hold-new_account = они пришли с совсем новым аккаунтом
intro-received = знакомство получено
intro-consent_requested = запрошено согласие
intro-accepted = согласился на знакомство
intro-declined = отказался от знакомства
intro-meeting = встреча
intro-won = сделка
intro-lost = не сложилось
action-get_code = Получить мой реферальный код
action-see_referrals = Мои рекомендации
action-rsvp_yes = Да
action-rsvp_no = Нет
action-rsvp_maybe = Может быть
action-confirm_seat = Подтвердить место
action-pass_seat = Уступить место
action-skip_date = В этот раз не смогу
action-take_seat_date = Занять место на { $value }
action-choose = Выберите…
action-share = Поделиться ссылкой
action-consent_yes = Да, познакомьте нас
action-consent_no = Нет, спасибо

guests = { $count ->
    [one] { $count } гостем
   *[other] { $count } гостями
}
people-told = { $count ->
    [one] { $count } человек получил
    [few] { $count } человека получили
   *[other] { $count } человек получили
}
referrals = { $count ->
    [one] { $count } рекомендация
    [few] { $count } рекомендации
   *[other] { $count } рекомендаций
}
answers = { $count ->
    [one] { $count } ответа
   *[other] { $count } ответов
}
days = { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[other] { $count } дней
}

event-kind-lunch = обед рекомендателей
event-kind-mastermind = мастермайнд
event-kind-expert-club = экспертный клуб
event-kind-advisory-board = консультативный совет
event-kind-webinar = вебинар
audience-everyone = все
audience-champions = { $count ->
    [one] участники, у которых не меньше { $count } рекомендации
   *[other] участники, у которых не меньше { $count } рекомендаций
}
audience-role = участники с ролью { $role }
audience-list = только приглашённые
soon-days = { $count ->
    [one] завтра
    [few] через { $count } дня
   *[other] через { $count } дней
}
soon-hours = { $count ->
    [one] через час
    [few] через { $count } часа
   *[other] через { $count } часов
}
soon-minutes = { $count ->
    [one] через { $count } минуту
    [few] через { $count } минуты
   *[other] через { $count } минут
}
cap-month = { $max } в месяц
cap-quarter = { $max } в квартал
cap-year = { $max } в год
reward-nothing = без награды
reward-discount = скидка { $percent }%
reward-free-months = { $count ->
    [one] { $count } бесплатный месяц
    [few] { $count } бесплатных месяца
   *[other] { $count } бесплатных месяцев
}
reward-credit = { $amount } на счёт
reward-cashback = кешбэк { $amount }
reward-donation = пожертвование { $amount } на благотворительность
reward-swag = подарок: { $what }
reward-feature = доступ к функции { $what }
reward-seat = место на встрече { $what }

command-help = Что я умею
command-code = Ваш личный реферальный код и текст, чтобы поделиться
command-redeem = Ввести реферальный код друга
command-refer = Записать того, кого вы порекомендовали
command-partner = Спросить партнёра, как лучше рекомендовать ему клиентов
command-consent = Принять или отклонить знакомство, которое для вас сделали
command-shoutout = Можно ли публично поблагодарить вас по имени за удачную рекомендацию
command-wishes = С кем мы мечтаем познакомиться
command-wish = Вести список желаний: люди и компании, с которыми хотим познакомиться
command-unsubscribe = Не присылать уведомления туда, откуда вы пишете
command-subscribe = Снова получать уведомления после отписки или отказа
command-mine = Ваши рекомендации, их статус и ваши награды
command-why = Откуда взялся ваш баланс наград, по пунктам
command-leaderboard = Кто порекомендовал больше всех
command-nps = Насколько вероятно, что вы порекомендуете нас (0–10)?
command-heard = Расскажите, как вы о нас узнали
command-link = Связать ваши аккаунты в других каналах
command-program = Создать и настроить реферальные программы
command-referrals = Список рекомендаций с номерами для других команд
command-convert = Отметить, что рекомендованный стал клиентом
command-approve = Одобрить награды за рекомендацию
command-thank = Отправить рекомендателю личную благодарность от вас
command-reject = Отклонить рекомендацию с указанием причины
command-refund = Клиенту вернули деньги: отменить награды за рекомендацию
command-reward = Список наград, отметить выплату
command-role = Выдать или забрать роль
command-report = Рекомендации по месяцам, конверсия, выручка, ROI, LTV:CAC
command-events = Ближайшие встречи или те, куда вас пригласили
command-event = Назначать встречи, приглашать, менять или отменять
command-rsvp = Ответить на приглашение
command-agenda = Программа встречи и приглашённый эксперт
command-attendees = Кто придёт, кто в листе ожидания, кто отказался
command-ics = Файл календаря встречи или ваша подписка на календарь
command-feed = Ссылка, по которой календарь сам обновляет ваши встречи
command-timezone = Показать или задать часовой пояс для времени встреч
command-language = Выбрать язык, на котором я вам отвечаю

mail-note-from = Письмо от { $community }
mail-reply-with = { $label }: ответьте «{ $command }»
mail-or-reply-with = (или ответьте «{ $command }»)

page-confirm = { $community } просит подтверждения: нажмите кнопку ниже. Пока вы её не нажмёте, ничего не произойдёт.
page-done = Готово
page-nothing-changed = Ничего не изменилось
page-unsubscribe = Отписаться
page-unsubscribe-ask = Нажмите кнопку, и { $community } больше не будет писать на { $address }.
page-unsubscribed = Вы отписаны
page-unsubscribed-text = { $community } больше не будет писать на { $address }.
page-expired = Срок действия ссылки истёк
page-expired-text = Ссылки в письмах { $community } действуют 30 дней. Ничего не изменилось — ответьте на письмо или напишите нам в чате.
page-share-unknown = Эта ссылка не работает
page-share-unknown-text = Код в ней неизвестен или больше не действует. Попросите того, кто поделился ссылкой, прислать новую.
page-share-title = Приглашение в { $community }
page-share-code = Ваш код рекомендации: { $code }
page-share-how = Укажите его, когда будете присоединяться к { $community }. Вы уже с нами? Отправьте «redeem { $code }» боту { $community } в Telegram или Discord либо по электронной почте.

unverified-refer = записать это знакомство
unverified-consent = принять этот ответ на знакомство
unverified-rsvp = принять этот ответ на приглашение
unverified-subscribe = снова включить уведомления
unverified-unsubscribe = изменить ваши уведомления
unverified-link = привязать этот адрес к другому аккаунту
unverified-role = менять чью-либо роль
unverified-other = выполнить это для вашего аккаунта

duration-minutes = { $minutes ->
    [one] { $minutes } минута
    [few] { $minutes } минуты
   *[many] { $minutes } минут
}
duration-hours = { $hours ->
    [one] { $hours } час
    [few] { $hours } часа
   *[many] { $hours } часов
}
duration-hours-minutes = { $hours ->
    [one] { $hours } час
    [few] { $hours } часа
   *[many] { $hours } часов
} { $minutes ->
    [one] { $minutes } минута
    [few] { $minutes } минуты
   *[many] { $minutes } минут
}
percent = { $value } %
every-week = каждую неделю
every-month = каждый месяц
every-quarter = раз в квартал
every-month-weekday = { $weekday ->
    [mon] каждый { $nth ->
        [first] первый
        [second] второй
        [third] третий
        [fourth] четвёртый
       *[last] последний
    } понедельник
    [tue] каждый { $nth ->
        [first] первый
        [second] второй
        [third] третий
        [fourth] четвёртый
       *[last] последний
    } вторник
    [wed] каждую { $nth ->
        [first] первую
        [second] вторую
        [third] третью
        [fourth] четвёртую
       *[last] последнюю
    } среду
    [thu] каждый { $nth ->
        [first] первый
        [second] второй
        [third] третий
        [fourth] четвёртый
       *[last] последний
    } четверг
    [fri] каждую { $nth ->
        [first] первую
        [second] вторую
        [third] третью
        [fourth] четвёртую
       *[last] последнюю
    } пятницу
    [sat] каждую { $nth ->
        [first] первую
        [second] вторую
        [third] третью
        [fourth] четвёртую
       *[last] последнюю
    } субботу
   *[sun] каждое { $nth ->
        [first] первое
        [second] второе
        [third] третье
        [fourth] четвёртое
       *[last] последнее
    } воскресенье
} месяца
role-member = участник
role-champion = амбассадор
role-organizer = организатор
role-admin = администратор
language-in = по-русски

arg-help-command = Команда, о которой рассказать
arg-code-program = Какая реферальная программа (по умолчанию основная)
arg-redeem-code = Код, который вам дали, например 7K3M-9QXP
arg-refer-name = Имя человека
arg-refer-email = Адрес эл. почты человека
arg-refer-note = Почему этот человек нам подходит
arg-partner-email = Адрес эл. почты партнёра
arg-partner-name = Имя партнёра
arg-consent-referral = Номер знакомства из письма, которое вы получили
arg-consent-answer = yes — познакомиться, no — отказаться
arg-shoutout-answer = on — благодарить меня публично по имени; off — не надо
arg-wish-action = add ТЕКСТ или drop НОМЕР
arg-wish-text = Кто (компания, должность; домен вроде northwind.com засчитывает знакомства) или номер, чтобы убрать
arg-leaderboard-period = month, quarter, year или all (по умолчанию)
arg-nps-score = От 0 до 10: насколько вероятно, что вы нас порекомендуете
arg-nps-comment = Что хотите добавить
arg-heard-source = Кто или что рассказал вам о нас
arg-link-code = Одноразовый код из другого вашего аккаунта
arg-program-action = Что сделать
arg-program-name = Короткое имя программы
arg-program-settings = Настройки ключ=значение (см. help program)
arg-referrals-state = Только рекомендации в этом статусе
arg-convert-referral = Номер рекомендации из `referrals`
arg-convert-value = Ценность нового клиента, например 1200
arg-approve-referral = Номер рекомендации из `referrals`
arg-thank-referral = Номер рекомендации из `referrals`
arg-thank-message = Ваша записка, своими словами
arg-reject-referral = Номер рекомендации из `referrals`
arg-reject-reason = Эту причину увидит тот, кто рекомендовал
arg-refund-referral = Номер рекомендации из `referrals`
arg-refund-reason = Будет видна в `why` и организаторам
arg-reward-action = paid НОМЕР или list [статус]
arg-reward-id = Номер награды (для paid) или статус (для list)
arg-role-action = grant — выдать, revoke — забрать
arg-role-identity = alice, telegram:ID, discord:ID или email:АДРЕС
arg-role-role = Роль: champion (амбассадор), organizer (организатор) или admin (администратор)
arg-report-month = ГГГГ-ММ (по умолчанию всё время)
arg-events-which = upcoming (по умолчанию) или mine
arg-event-action = Что сделать
arg-event-event = Номер встречи, например E3 (не для create)
arg-event-settings = ключ=значение: kind title start tz every capacity duration agenda expert location audience
arg-rsvp-event = Номер встречи, например E3
arg-rsvp-answer = yes, no или maybe
arg-rsvp-date = Одна дата серии (ГГГГ-ММ-ДД или next); по умолчанию — вся серия
arg-rsvp-guests = Гости, которых вы приведёте, например +1
arg-rsvp-identity = Для организаторов: ответить за этого человека
arg-agenda-event = Номер встречи, например E3
arg-attendees-event = Номер встречи, например E3
arg-attendees-date = Какая дата серии (ГГГГ-ММ-ДД или next); по умолчанию — ближайшая
arg-ics-event = Номер встречи (по умолчанию — ваш собственный календарь)
arg-ics-member = Для организаторов: --member ИДЕНТИФИКАТОР — календарь другого человека
arg-feed-reset = reset — отозвать прежнюю ссылку и создать новую
arg-timezone-zone = Часовой пояс IANA, например Europe/Moscow
arg-language-code = Код языка, например ru, ar или ro; auto — снова как в приложении

rsvp-invited = ещё нет
rsvp-yes = иду
rsvp-no = не иду
rsvp-maybe = может быть
rsvp-waitlisted = в листе ожидания

role-refused-member = участник — это каждый; выдать можно champion, organizer или admin
role-refused-admin = выдать или забрать admin может только администратор
role-refused-stranger = { $identity } ещё ни разу мне не писал, так что ролей у него нет

# Почему команда или настройка не принята («Извините, { problem }.»).
problem-missing-code = не хватает кода
problem-missing-program = не хватает названия программы
problem-missing-score = не хватает оценки
problem-missing-partner-email = не хватает адреса почты партнёра
problem-missing-wish-id = не хватает номера пожелания (см. `wishes`)
problem-missing-reward-id = не хватает номера награды
problem-missing-who = укажите, кого
problem-missing-role = не хватает роли
problem-missing-feed-owner = укажите, чей календарь
problem-missing-event-id = не хватает номера встречи
problem-missing-skip-date = не хватает даты, которую пропустить (ГГГГ-ММ-ДД)
problem-missing-referral-id = не хватает номера рекомендации
problem-unexpected = я не ожидал «{ $word }»
problem-settings-form = настройки пишутся как ключ=значение, а не «{ $word }»
problem-not-one-of = «{ $word }» — не из списка: { $options }
problem-refer-email = мне нужен адрес почты, например: refer Иван Петров ivan@acme.com
problem-refer-name-first = сначала имя, потом адрес почты
problem-name-too-long = имя слишком длинное (не больше { $max } символов)
problem-note-too-long = заметка слишком длинная (не больше { $max } символов)
problem-comment-too-long = комментарий слишком длинный (не больше { $max } символов)
problem-answer-too-long = это длинновато (не больше { $max } символов)
problem-reason-too-long = причина слишком длинная (не больше { $max } символов)
problem-wish-too-long = уложитесь в { $max } символов
problem-score = оценка — целое число от 0 до 10, а не «{ $word }»
problem-heard-what = напишите, кто или что, например: heard друг из Acme
problem-program-action = скажите, что сделать: list, show, create, set, pause или resume
problem-program-set-what = скажите, что изменить, например: program set customer cap=12/year
problem-consent-answer = ответьте yes или no, например: consent 12 yes
problem-wish-who = скажите, с кем хотите познакомиться, например: wish add Northwind Traders northwind.com
problem-wish-id = «{ $word }» — не номер пожелания вроде A3
problem-wish-action = add ТЕКСТ или drop НОМЕР
problem-wish-exists = { $target } уже есть в списке под номером { $id }
problem-on-off = скажите on или off
problem-reward-id = «{ $word }» — не номер награды
problem-reward-status = статус — pending, approved, paid или void
problem-month = напишите месяц как ГГГГ-ММ, а не «{ $word }»
problem-date = напишите дату как ГГГГ-ММ-ДД, а не «{ $word }»
problem-occurrence-date = укажите дату как ГГГГ-ММ-ДД или next, а не «{ $word }»
problem-feed-action = feed или feed reset, чтобы отозвать прежнюю ссылку
problem-timezone = «{ $word }» — незнакомый мне часовой пояс; укажите имя IANA, например Europe/Moscow
problem-event-id = «{ $word }» — не номер встречи; список покажет `events`
problem-event-action = скажите, что сделать: create, edit, cancel, invite, show или skip
problem-event-edit-what = скажите, что изменить, например: event edit E3 capacity=12
problem-invite-max = приглашайте не больше { $max } человек за раз
problem-flag-value = для --{ $flag } нужно значение
problem-one-date = отвечайте за одну дату за раз
problem-guests = гости пишутся как +1 или +2, а не «{ $word }»
problem-rsvp-answer = ответьте yes, no или maybe
problem-rsvp-answer-not = ответьте yes, no или maybe (а не «{ $word }»)
problem-rsvp-maybe-date = за одну дату ответьте yes или no; maybe — только для всей серии
problem-referral-id = «{ $word }» — не номер рекомендации; список покажет `referrals`
problem-own-referral = это ваша собственная рекомендация
problem-event-time = напишите как ГГГГ-ММ-ДД ЧЧ:ММ в часовом поясе встречи, а не «{ $value }»
problem-duration = «{ $value }» — не длительность вроде 90m или 1h30m
problem-kinds = виды: { $list }
problem-title = в названии от 1 до { $max } символов
problem-every = укажите week, month, month-weekday, quarter или none
problem-capacity = число мест или none
problem-plus-ones = от 0 до { $max } гостей на человека
problem-audience = укажите everyone, champions:N, role:champion или list
problem-setting-keys = настройки: { $list }
problem-days = «{ $value }» — не число дней
problem-cap = напишите как 12/year, 3/month или none
problem-approval = одобрение — auto или manual
problem-currency = укажите трёхбуквенный код, например RUB, USD или EUR
problem-lifetime = срок жизни клиента — в годах, например 3 или 2.5
problem-code-length = в реферальном коде 8 букв и цифр, а здесь { $count }
problem-code-char = в реферальных кодах не бывает «{ $char }» (нет 0, O, 1, I и L, чтобы их было легко читать)
problem-email = «{ $value }» не похоже на адрес почты
problem-identity = «{ $value }» — не идентификатор; укажите имя в консоли, telegram:ID, discord:ID или email:АДРЕС
problem-role = «{ $value }» — не роль; роли: member, champion, organizer и admin
problem-money = «{ $value }» — не сумма; напишите как 50 или 49.99
problem-id = «{ $value }» — недопустимый номер
problem-slug = «{ $value }» — недопустимое имя; используйте латинские буквы, цифры и дефисы, начиная с буквы
problem-reward = «{ $value }» — не награда; попробуйте credit:50, discount:20%, free-months:1, cashback:25, donation:25, swag:ТЕКСТ, feature:ТЕКСТ, event-seat:ТЕКСТ или custom:ТЕКСТ
problem-value = «{ $value }» — недопустимое значение для { $key }
problem-invalid = это значение недопустимо
approval-auto = автоматически
approval-manual = проверяет организатор

# Почему рекомендация или награда не может перейти дальше.
hint-waiting-approve = она ждёт `approve`
hint-rewards-granted = награды за неё уже начислены
hint-stays-rejected = отклонённые рекомендации остаются отклонёнными
hint-already-qualified = она уже подтверждена; сделайте `convert`, когда человек станет клиентом
hint-rewards-approved = награды за неё уже одобрены
hint-already-rejected = она уже отклонена
hint-reward-paid-out = награда за неё уже выплачена
hint-approve-first = сначала одобрите её рекомендацию
hint-already-paid = она уже выплачена
hint-referral-rejected = её рекомендация отклонена
# Почему на дату серии нельзя ответить («Извините, Обед ПРИЧИНА 2026-12-11»).
occurrence-no-meeting = не проходит
occurrence-skipped = пропускается
occurrence-started = уже началась

# Подписи в описании встречи в календарях, которые пишет vouch.
ics-expert = Приглашённый эксперт
ics-agenda = Программа
