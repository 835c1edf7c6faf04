"""An aiosmtpd Mailbox handler that requires AUTH PLAIN or LOGIN with one
user and password before MAIL (aiosmtpd offers AUTH only after STARTTLS).

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT --tlscert C --tlskey K \
        -c smtp_auth.AuthMailbox DIR USER PASSWORD
"""

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


class AuthMailbox(Mailbox):
    def __init__(self, directory, user, password):
        super().__init__(directory)
        self.user = user.encode()
        self.password = password.encode()

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 3:
            parser.error("AuthMailbox needs: maildir user password")
        return cls(*args)

    def _check(self, login, password):
        return AuthResult(success=(login == self.user and password == self.password))

    async def auth_PLAIN(self, server, args):
        import base64

        if len(args) < 2:
            return AuthResult(success=False)
        try:
            _, login, password = base64.b64decode(args[1]).split(b"\0")
        except Exception:
            return AuthResult(success=False)
        return self._check(login, password)

    async def auth_LOGIN(self, server, args):
        login = await server.challenge_auth(server.AuthLoginUsernameChallenge)
        password = await server.challenge_auth(server.AuthLoginPasswordChallenge)
        if not isinstance(login, bytes) or not isinstance(password, bytes):
            return AuthResult(success=False)
        return self._check(login, password)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"
