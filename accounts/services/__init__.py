"""Every write to staff accounts' sign-in, one module per noun: `second_factors` (which an account has, removing
one, an administrator's reset), `totp_devices` (authenticator apps), `recovery_codes`, `second_steps` (the sign-in's
second step) and `security_events` (the log every one of them writes: who did what to which account, and when).
Views, admin actions and commands call these."""
