"""Every write to the consent app, one module per noun: `consents` (the log of readers' cookie choices) and
`policy_versions` (publishing and revising the privacy policy). Views and the admin call these."""
