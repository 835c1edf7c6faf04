# العربية. نبرة ودّية لمجتمع، بالفصحى المبسطة.

language-name = العربية
render-failed = عذرًا، حدث خطأ أثناء كتابة هذا الرد.

state-issued = مسجّلة، بانتظار انضمامه
state-redeemed = انضمّ برمزك
state-qualified = مؤهَّلة
state-converted = أصبح عميلًا، والمكافأة قيد المعالجة
state-rewarded = أصبح عميلًا، وصُرفت المكافأة
state-rejected = غير محتسبة
reward-pending = معلّقة
reward-approved = معتمدة
reward-paid = مدفوعة
reward-void = ملغاة
period-month = هذا الشهر
period-quarter = هذا الربع
period-year = هذا العام
period-all = منذ البداية
hold-disposable_email = عنوان بريده من خدمة بريد مؤقت
hold-same_inbox = يتشارك صندوق بريد مع المُحيل (اسم مستعار أو كتابة بالنقاط)
hold-new_account = انضمّ بحساب جديد جدًا
intro-received = وصل التعارف
intro-consent_requested = طُلبت الموافقة
intro-accepted = وافق على التعارف
intro-declined = رفض التعارف
intro-meeting = اجتماع
intro-won = تمّت الصفقة
intro-lost = لم تتمّ
action-get_code = احصل على رمز الإحالة الخاص بي
action-see_referrals = إحالاتي
action-rsvp_yes = نعم
action-rsvp_no = لا
action-rsvp_maybe = ربما
action-confirm_seat = تأكيد مقعدي
action-pass_seat = تمرير المقعد لغيري
action-skip_date = لن أتمكّن هذه المرة
action-take_seat_date = احجز المقعد ليوم { $value }
action-choose = اختر…
action-share = مشاركة رابطي
action-consent_yes = نعم، عرّفوني بهم
action-consent_no = لا، شكرًا

guests = { $count ->
    [zero] بلا ضيوف
    [one] ضيف واحد
    [two] ضيفين
    [few] { $count } ضيوف
    [many] { $count } ضيفًا
   *[other] { $count } ضيف
}
people-told = { $count ->
    [zero] لم يُبلَّغ أحد
    [one] أُبلغ شخص واحد
    [two] أُبلغ شخصان
    [few] أُبلغ { $count } أشخاص
    [many] أُبلغ { $count } شخصًا
   *[other] أُبلغ { $count } شخص
}
referrals = { $count ->
    [zero] لا إحالات
    [one] إحالة واحدة
    [two] إحالتان
    [few] { $count } إحالات
    [many] { $count } إحالة
   *[other] { $count } إحالة
}
answers = { $count ->
    [zero] بلا إجابات
    [one] إجابة واحدة
    [two] إجابتين
    [few] { $count } إجابات
    [many] { $count } إجابة
   *[other] { $count } إجابة
}
days = { $count ->
    [zero] { $count } يوم
    [one] يوم واحد
    [two] يومان
    [few] { $count } أيام
    [many] { $count } يومًا
   *[other] { $count } يوم
}

event-kind-lunch = غداء الإحالات
event-kind-mastermind = ماسترمايند
event-kind-expert-club = نادي الخبراء
event-kind-advisory-board = مجلس استشاري
event-kind-webinar = ندوة عبر الإنترنت
audience-everyone = الجميع
audience-champions = أصحاب الإحالات (الحد الأدنى: { $count })
audience-role = أصحاب دور { $role }
audience-list = المدعوّون فقط
soon-days = { $count ->
    [one] غدًا
    [two] بعد يومين
    [few] بعد { $count } أيام
    [many] بعد { $count } يومًا
   *[other] بعد { $count } يوم
}
soon-hours = { $count ->
    [one] بعد ساعة
    [two] بعد ساعتين
    [few] بعد { $count } ساعات
    [many] بعد { $count } ساعة
   *[other] بعد { $count } ساعة
}
soon-minutes = { $count ->
    [one] بعد دقيقة
    [two] بعد دقيقتين
    [few] بعد { $count } دقائق
    [many] بعد { $count } دقيقة
   *[other] بعد { $count } دقيقة
}
cap-month = { $max } في الشهر
cap-quarter = { $max } في الربع
cap-year = { $max } في السنة
reward-nothing = بلا مكافأة
reward-discount = خصم { $percent }%
reward-free-months = { $count ->
    [one] شهر مجاني واحد
    [two] شهران مجانيان
    [few] { $count } أشهر مجانية
    [many] { $count } شهرًا مجانيًا
   *[other] { $count } شهر مجاني
}
reward-credit = رصيد { $amount } في الحساب
reward-cashback = استرداد نقدي بقيمة { $amount }
reward-donation = تبرع بقيمة { $amount } لجمعية خيرية
reward-swag = هدية: { $what }
reward-feature = تفعيل { $what }
reward-seat = مقعد في { $what }

command-help = ما الذي أستطيع فعله لك
command-code = رمز الإحالة الشخصي ونص جاهز للمشاركة
command-redeem = استخدام رمز إحالة من صديق
command-refer = تسجيل شخص أحلته إلينا
command-partner = سؤال شريك عن أفضل طريقة لإحالة العملاء إليه
command-consent = قبول أو رفض تعارف قام به أحدهم من أجلك
command-shoutout = هل نشكرك علنًا باسمك عندما تنجح إحالتك
command-wishes = من نتمنى التعرّف إليهم
command-wish = قائمة الأمنيات: أشخاص وشركات نودّ التعرّف إليهم
command-unsubscribe = إيقاف الإشعارات إلى المكان الذي تكتب منه
command-subscribe = استئناف الإشعارات بعد إلغاء الاشتراك أو الرفض
command-mine = إحالاتك وتقدّمها ومكافآتك
command-why = شرح رصيد مكافآتك بندًا بندًا
command-leaderboard = من أحال أكثر
command-nps = ما مدى احتمال أن توصي بنا (0-10)؟
command-heard = أخبرنا كيف سمعت عنا
command-link = ربط حساباتك على القنوات الأخرى
command-program = إنشاء برامج الإحالة وضبطها
command-referrals = قائمة الإحالات بالأرقام التي تستخدمها الأوامر الأخرى
command-convert = تسجيل إحالة كعميل جديد
command-approve = اعتماد مكافآت إحالة
command-thank = إرسال رسالة شكر شخصية باسمك إلى المُحيل
command-reject = رفض إحالة مع ذكر السبب
command-refund = استرد العميل ماله: إلغاء مكافآت الإحالة
command-reward = قائمة المكافآت وتسجيل صرفها
command-role = منح دور أو سحبه
command-report = الإحالات شهريًا، والتحويل، والقيمة، وROI، وLTV:CAC
command-events = الفعاليات القادمة أو التي دُعيت إليها
command-event = جدولة الفعاليات والدعوة إليها وتعديلها أو إلغاؤها
command-rsvp = الرد على دعوة فعالية
command-agenda = جدول أعمال الفعالية والخبير الضيف
command-attendees = من سيحضر ومن ينتظر ومن اعتذر
command-ics = ملف تقويم الفعالية أو اشتراك تقويمك
command-feed = رابط يُبقي تطبيق التقويم محدّثًا بفعالياتك
command-timezone = عرض المنطقة الزمنية لمواعيد الفعاليات أو ضبطها
command-language = اختيار اللغة التي أرد بها عليك

mail-note-from = رسالة من { $community }
mail-reply-with = { $label }: ردّ بـ «{ $command }»
mail-or-reply-with = (أو ردّ بـ «{ $command }»)

page-confirm = يطلب منك { $community } التأكيد: اضغط الزر أدناه. لن يحدث شيء قبل أن تضغطه.
page-done = تمّ
page-nothing-changed = لم يتغيّر شيء
page-unsubscribe = إلغاء الاشتراك
page-unsubscribe-ask = اضغط الزر ولن يراسل { $community } العنوان { $address } مرة أخرى.
page-unsubscribed = تمّ إلغاء اشتراكك
page-unsubscribed-text = لن يراسل { $community } العنوان { $address } مرة أخرى.
page-expired = انتهت صلاحية هذا الرابط
page-expired-text = تعمل الروابط في رسائل { $community } لمدة 30 يومًا. لم يتغيّر شيء؛ يمكنك الرد على الرسالة أو استخدام الدردشة بدلًا من ذلك.
page-share-unknown = هذا الرابط لا يعمل
page-share-unknown-text = الرمز الموجود فيه غير معروف أو لم يعد فعّالًا. اطلب من الشخص الذي شاركه رابطًا جديدًا.
page-share-title = دعوتك للانضمام إلى { $community }
page-share-code = رمز الإحالة الخاص بك: { $code }
page-share-how = استخدمه عند انضمامك إلى { $community }. هل أنت معنا بالفعل؟ أرسل «redeem { $code }» إلى بوت { $community } على Telegram أو Discord، أو عبر البريد الإلكتروني.

unverified-refer = تسجيل هذا التعريف
unverified-consent = قبول هذا الرد على التعريف
unverified-rsvp = قبول هذا الرد على الدعوة
unverified-subscribe = إعادة تشغيل الإشعارات
unverified-unsubscribe = تغيير إشعاراتك
unverified-link = ربط هذا العنوان بحساب آخر
unverified-role = تغيير دور أي شخص
unverified-other = تنفيذ ذلك لحسابك

duration-minutes = { $minutes ->
    [zero] { $minutes } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}
duration-hours = { $hours ->
    [zero] { $hours } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $hours } ساعات
   *[other] { $hours } ساعة
}
duration-hours-minutes = { $hours ->
    [zero] { $hours } ساعة
    [one] ساعة
    [two] ساعتان
    [few] { $hours } ساعات
   *[other] { $hours } ساعة
} و{ $minutes ->
    [zero] { $minutes } دقيقة
    [one] دقيقة
    [two] دقيقتان
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}
percent = { $value }%
every-week = كل أسبوع
every-month = كل شهر
every-quarter = كل ثلاثة أشهر
every-month-weekday = في { $nth ->
    [first] أول
    [second] ثاني
    [third] ثالث
    [fourth] رابع
   *[last] آخر
} { $weekday ->
    [mon] اثنين
    [tue] ثلاثاء
    [wed] أربعاء
    [thu] خميس
    [fri] جمعة
    [sat] سبت
   *[sun] أحد
} من كل شهر
role-member = عضو
role-champion = سفير
role-organizer = منظّم
role-admin = مشرف
language-in = بالعربية

arg-help-command = الأمر الذي تريد شرحه
arg-code-program = أي برنامج إحالة (الافتراضي: البرنامج الرئيسي)
arg-redeem-code = الرمز الذي أعطاك إياه أحدهم، مثل 7K3M-9QXP
arg-refer-name = اسم الشخص
arg-refer-email = عنوان بريده الإلكتروني
arg-refer-note = لماذا سيكون مناسبًا
arg-partner-email = عنوان البريد الإلكتروني للشريك
arg-partner-name = اسم الشريك
arg-consent-referral = رقم التعريف، من الرسالة التي وصلتك
arg-consent-answer = yes لقبول التعريف، وno للرفض
arg-shoutout-answer = on: اشكروني باسمي علنًا؛ off: لا
arg-wish-action = add نص، أو drop رقم
arg-wish-text = من (شركة أو منصب؛ نطاق مثل northwind.com يطابق التعريفات)، أو رقم الأمنية لحذفها
arg-leaderboard-period = month أو quarter أو year أو all (الافتراضي)
arg-nps-score = من 0 إلى 10: ما مدى احتمال أن توصي بنا
arg-nps-comment = أي شيء تودّ إضافته
arg-heard-source = من أو ما الذي عرّفك بنا
arg-link-code = الرمز المؤقت من حسابك الآخر
arg-program-action = ما المطلوب
arg-program-name = الاسم المختصر للبرنامج
arg-program-settings = إعدادات مفتاح=قيمة (راجع help program)
arg-referrals-state = الإحالات في هذه الحالة فقط
arg-convert-referral = رقم الإحالة من `referrals`
arg-convert-value = قيمة العميل الجديد، مثل 1200
arg-approve-referral = رقم الإحالة من `referrals`
arg-thank-referral = رقم الإحالة من `referrals`
arg-thank-message = رسالتك، بكلماتك
arg-reject-referral = رقم الإحالة من `referrals`
arg-reject-reason = سيُبلَّغ به صاحب الإحالة
arg-refund-referral = رقم الإحالة من `referrals`
arg-refund-reason = يظهر في `why` وللمنظِّمين
arg-reward-action = paid رقم، أو list [الحالة]
arg-reward-id = رقم المكافأة (مع paid) أو الحالة (مع list)
arg-role-action = grant للمنح، أو revoke للسحب
arg-role-identity = alice أو telegram:ID أو discord:ID أو email:العنوان
arg-role-role = الدور: champion (سفير) أو organizer (منظّم) أو admin (مشرف)
arg-report-month = YYYY-MM (الافتراضي: منذ البداية)
arg-events-which = upcoming (الافتراضي) أو mine
arg-event-action = ما المطلوب
arg-event-event = رقم الفعالية، مثل E3 (ليس مع create)
arg-event-settings = مفتاح=قيمة: kind title start tz every capacity duration agenda expert location audience
arg-rsvp-event = رقم الفعالية، مثل E3
arg-rsvp-answer = yes أو no أو maybe
arg-rsvp-date = موعد واحد من السلسلة (YYYY-MM-DD أو next)؛ الافتراضي: السلسلة كلها
arg-rsvp-guests = الضيوف الذين ستحضرهم، مثل +1
arg-rsvp-identity = للمنظّمين: الرد نيابةً عن هذا الشخص
arg-agenda-event = رقم الفعالية، مثل E3
arg-attendees-event = رقم الفعالية، مثل E3
arg-attendees-date = أي موعد من السلسلة (YYYY-MM-DD أو next)؛ الافتراضي: الموعد التالي
arg-ics-event = رقم الفعالية (الافتراضي: تقويمك الخاص)
arg-ics-member = للمنظّمين: --member المعرّف لتقويم شخص آخر
arg-feed-reset = reset: إلغاء الرابط السابق وإنشاء رابط جديد
arg-timezone-zone = منطقة زمنية من IANA، مثل Asia/Riyadh
arg-language-code = رمز لغة مثل ru أو ar أو ro؛ وauto لاتباع لغة تطبيقك من جديد

rsvp-invited = لم تردّ بعد
rsvp-yes = سأحضر
rsvp-no = لن أحضر
rsvp-maybe = ربما
rsvp-waitlisted = على قائمة الانتظار

role-refused-member = الجميع أعضاء أصلًا؛ يمكنك منح champion أو organizer أو admin
role-refused-admin = وحده المشرف يستطيع منح admin أو سحبه
role-refused-stranger = لم يراسلني { $identity } من قبل، لذلك ليس لديه أي دور

# لماذا لم يُقبل أمر أو إعداد («عذرًا، { problem }.»).
problem-missing-code = الرمز ناقص
problem-missing-program = اسم البرنامج ناقص
problem-missing-score = التقييم ناقص
problem-missing-partner-email = عنوان البريد الإلكتروني للشريك ناقص
problem-missing-wish-id = رقم الأمنية ناقص (انظر `wishes`)
problem-missing-reward-id = رقم المكافأة ناقص
problem-missing-who = قل مَن
problem-missing-role = الدور ناقص
problem-missing-feed-owner = قل تقويم مَن
problem-missing-event-id = رقم الفعالية ناقص
problem-missing-skip-date = تاريخ التخطي ناقص (YYYY-MM-DD)
problem-missing-referral-id = رقم الإحالة ناقص
problem-unexpected = لم أتوقع «{ $word }»
problem-settings-form = تُكتب الإعدادات بالشكل مفتاح=قيمة، لا «{ $word }»
problem-not-one-of = «{ $word }» ليست من بين: { $options }
problem-refer-email = أحتاج إلى عنوان بريده الإلكتروني، مثلًا: refer سارة أحمد sara@acme.com
problem-refer-name-first = الاسم أولًا، ثم عنوان البريد الإلكتروني
problem-name-too-long = الاسم طويل جدًا (الحد الأقصى { $max } حرفًا)
problem-note-too-long = الملاحظة طويلة جدًا (الحد الأقصى { $max } حرف)
problem-comment-too-long = التعليق طويل جدًا (الحد الأقصى { $max } حرف)
problem-answer-too-long = هذا طويل بعض الشيء (الحد الأقصى { $max } حرف)
problem-reason-too-long = السبب طويل جدًا (الحد الأقصى { $max } حرف)
problem-wish-too-long = اجعلها أقل من { $max } حرفًا
problem-score = التقييم عدد صحيح من 0 إلى 10، لا «{ $word }»
problem-heard-what = أخبرني مَن أو ماذا، مثلًا: heard صديق في Acme
problem-program-action = قل ماذا أفعل: list أو show أو create أو set أو pause أو resume
problem-program-set-what = قل ماذا أغيّر، مثلًا: program set customer cap=12/year
problem-consent-answer = أجب بـ yes أو no، مثلًا: consent 12 yes
problem-wish-who = قل مَن تودّ أن تتعرّف إليه، مثلًا: wish add Northwind Traders northwind.com
problem-wish-id = «{ $word }» ليس رقم أمنية مثل A3
problem-wish-action = add النص، أو drop الرقم
problem-wish-exists = { $target } موجود في القائمة بالفعل برقم { $id }
problem-on-off = قل on أو off
problem-reward-id = «{ $word }» ليس رقم مكافأة
problem-reward-status = الحالة: pending أو approved أو paid أو void
problem-month = اكتب الشهر بالشكل YYYY-MM، لا «{ $word }»
problem-date = اكتب التاريخ بالشكل YYYY-MM-DD، لا «{ $word }»
problem-occurrence-date = اكتب تاريخًا بالشكل YYYY-MM-DD أو next، لا «{ $word }»
problem-feed-action = feed، أو feed reset لإلغاء الرابط القديم
problem-timezone = لا أعرف المنطقة الزمنية «{ $word }»؛ استخدم اسمًا من IANA مثل Asia/Riyadh
problem-event-id = «{ $word }» ليس رقم فعالية؛ الأمر `events` يعرضها
problem-event-action = قل ماذا أفعل: create أو edit أو cancel أو invite أو show أو skip
problem-event-edit-what = قل ماذا أغيّر، مثلًا: event edit E3 capacity=12
problem-invite-max = ادعُ { $max } شخص على الأكثر في المرة الواحدة
problem-flag-value = ‎--{ $flag } يحتاج إلى قيمة
problem-one-date = أجب عن تاريخ واحد في كل مرة
problem-guests = يُكتب الضيوف بالشكل +1 أو +2، لا «{ $word }»
problem-rsvp-answer = أجب بـ yes أو no أو maybe
problem-rsvp-answer-not = أجب بـ yes أو no أو maybe (لا «{ $word }»)
problem-rsvp-maybe-date = لتاريخ واحد أجب بـ yes أو no؛ أما maybe فللسلسلة كلها
problem-referral-id = «{ $word }» ليس رقم إحالة؛ الأمر `referrals` يعرضها
problem-own-referral = هذه إحالتك أنت
problem-event-time = اكتبه بالشكل YYYY-MM-DD HH:MM بتوقيت الفعالية، لا «{ $value }»
problem-duration = «{ $value }» ليست مدة مثل 90m أو 1h30m
problem-kinds = الأنواع: { $list }
problem-title = العنوان من 1 إلى { $max } حرفًا
problem-every = استخدم week أو month أو month-weekday أو quarter أو none
problem-capacity = عدد المقاعد، أو none
problem-plus-ones = من 0 إلى { $max } ضيفًا لكل شخص
problem-audience = استخدم everyone أو champions:N أو role:champion أو list
problem-setting-keys = الإعدادات: { $list }
problem-days = «{ $value }» ليس عددًا من الأيام
problem-cap = اكتبه مثل 12/year أو 3/month أو none
problem-approval = الموافقة auto أو manual
problem-currency = استخدم رمزًا من ثلاثة أحرف مثل SAR أو USD أو EUR
problem-lifetime = المدة بالسنوات، مثلًا 3 أو 2.5
problem-code-length = رمز الإحالة 8 أحرف وأرقام، لكن هذا فيه { $count }
problem-code-char = رموز الإحالة لا تحتوي أبدًا على «{ $char }» (لا 0 ولا O ولا 1 ولا I ولا L، لتسهل قراءتها)
problem-email = «{ $value }» لا يبدو عنوان بريد إلكتروني
problem-identity = «{ $value }» ليس هوية؛ استخدم اسمًا في وحدة التحكم أو telegram:ID أو discord:ID أو email:العنوان
problem-role = «{ $value }» ليس دورًا؛ الأدوار: member وchampion وorganizer وadmin
problem-money = «{ $value }» ليس مبلغًا؛ اكتبه مثل 50 أو 49.99
problem-id = «{ $value }» ليس رقمًا صالحًا
problem-slug = «{ $value }» ليس اسمًا صالحًا؛ استخدم حروفًا لاتينية وأرقامًا وشرطات، يبدأ بحرف
problem-reward = «{ $value }» ليست مكافأة؛ جرّب credit:50 أو discount:20% أو free-months:1 أو cashback:25 أو donation:25 أو swag:نص أو feature:نص أو event-seat:نص أو custom:نص
problem-value = «{ $value }» ليست قيمة صالحة لـ { $key }
problem-invalid = هذه القيمة غير صالحة
approval-auto = تلقائية
approval-manual = يراجعها منظِّم

# لماذا لا يمكن للإحالة أو المكافأة أن تنتقل إلى هذه الخطوة.
hint-waiting-approve = إنها تنتظر `approve`
hint-rewards-granted = مُنحت مكافآتها بالفعل
hint-stays-rejected = الإحالات المرفوضة تبقى مرفوضة
hint-already-qualified = إنها مؤهَّلة بالفعل؛ نفِّذ `convert` حين يصبح الشخص عميلًا
hint-rewards-approved = اعتُمدت مكافآتها بالفعل
hint-already-rejected = إنها مرفوضة بالفعل
hint-reward-paid-out = دُفعت مكافأة عنها بالفعل
hint-approve-first = اعتمد إحالتها أولًا
hint-already-paid = دُفعت بالفعل
hint-referral-rejected = رُفضت إحالتها
# لماذا لا يُقبل رد على موعد من السلسلة («عذرًا، الغداء السبب في 2026-12-11»).
occurrence-no-meeting = لا تنعقد
occurrence-skipped = أُلغيت
occurrence-started = بدأت بالفعل

# تسميات وصف الفعالية في التقويمات التي يكتبها vouch.
ics-expert = الخبير الضيف
ics-agenda = جدول الأعمال
