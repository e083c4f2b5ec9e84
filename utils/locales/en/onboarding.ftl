## The first five minutes: claiming the bot, the staff group, the staff poster.

setup-console =
    There is no admin yet. Open this link in Telegram: whoever opens it first becomes the admin (the link works once):
setup-claimed =
    ✅ Done: you are now a ZAVhoz <b>admin</b>.
    Next:
    1. Add the bot to the caretakers' group and send /here there: new requests will arrive there.
    2. /invite gives a link and a QR poster for the staff room.
    The request queue is in “⚙️ Admin panel”.
setup-invalid = This link is no longer valid.

here-bound = ✅ Done: new requests will arrive in this group.
here-bound-topic = ✅ Done: new requests will arrive in this topic.
here-bound-overridden =
    The group is saved, but requests now go to the chat set in ADMIN_CHAT_ID: while that setting is set, it wins. Remove it to have requests arrive here.
here-not-allowed = Only a bot admin can choose the group for requests.
here-private = Send /here in the caretakers' group, where new requests should arrive.

join-ask = Hello! I am ZAVhoz, the repair request bot. Shall I post new requests for the staff in this group?
join-use-button = ✅ Yes, post them here
join-not-allowed = Only a bot admin can press this.

invite-text =
    The link for the staff:
    { $link }
    Forward it to the teachers' chat or print the poster: its QR code holds this link.
invite-poster-caption = A poster for the staff room (A4, PDF)
invite-poster-title = Something broken? Report it
invite-poster-line1 = 1. Point your phone's camera at the QR code and open the link in Telegram.
invite-poster-line2 = 2. Tap “Start”, then “New request”, and say what is broken and where.
invite-poster-file = zavhoz-poster.pdf

cmd-invite = Invite the staff
