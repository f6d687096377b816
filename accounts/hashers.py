"""Password hashers: Argon2id at OWASP's recommended cost, and a cheaper one for first passwords.

OWASP's Password Storage Cheat Sheet recommends Argon2id with at least 19 MiB of memory, two
iterations and one degree of parallelism. That costs a few tens of milliseconds a sign-in on a
school server, where PBKDF2 at Django's 1,000,000 iterations costs about 0.3 s of CPU: a class
of 300 arriving at the bell is then minutes of CPU for PBKDF2 and seconds for Argon2id, at a
strength OWASP accepts. Older hashes (PBKDF2) still verify and are upgraded at the next sign-in.

A first password, made by the site for a roster import and printed on a sign-in slip, is
already known to whoever holds the slip, and the student must replace it at first sign-in
(``User.must_change_password``). Hashing 1,000 of them at full cost in one request would take
the import past the server's time-out, so they use Argon2id at a lower memory cost; the
student's own password, chosen at first sign-in, is hashed at full cost.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP Password Storage Cheat Sheet)."""

    algorithm = "argon2"  # the same encoding as Django's: either reads the other's hashes
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class FirstPasswordHasher(Argon2PasswordHasher):
    """Argon2id at a lower cost, for site-made first passwords that must be changed."""

    algorithm = "argon2-first"
    time_cost = 1
    memory_cost = 4 * 1024  # KiB
    parallelism = 1

    def must_update(self, encoded):
        # Never "upgrade" a first password at sign-in: the student replaces it at once.
        return False
