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

unverified-refer = записать это знакомство
unverified-consent = принять этот ответ на знакомство
unverified-rsvp = принять этот ответ на приглашение
unverified-subscribe = снова включить уведомления
unverified-unsubscribe = изменить ваши уведомления
unverified-link = привязать этот адрес к другому аккаунту
unverified-role = менять чью-либо роль
unverified-other = выполнить это для вашего аккаунта
