profile-title = Your account
profile-temporary-password = You are using a temporary password. Choose your own password to continue.
profile-change-password = Change password
profile-current-password = Current password
profile-new-password = New password
profile-repeat-new-password = Repeat new password
profile-password-signs-out = Changing your password signs you out on every other device.
profile-password-changed = Your password has been changed. Other devices were signed out.
profile-password-wrong = Your current password is not correct.
profile-password-same = Choose a password different from the current one.
profile-language = Language
profile-language-label = Language of the dashboard
profile-language-browser = As my browser prefers
profile-language-save = Save language
profile-language-note = Applies on every device you sign in on.
profile-language-saved = Language saved.
profile-language-unknown = “{ $value }” is not a language of this dashboard.
profile-sessions = Sessions
profile-sessions-count = { $count ->
    [one] You are signed in on { $n } browser or device.
   *[other] You are signed in on { $n } browsers or devices.
}
profile-sign-out-everywhere = Sign out everywhere
profile-sign-out-everywhere-confirm = Sign out on every device, including this one?
password-too-short = Choose a password of at least { $n } characters.
password-too-long = A password has at most { $n } characters.
password-blank = A password cannot be only spaces.
password-mismatch = The two passwords do not match.
email-empty = Enter an email address.
email-too-long = An email address has at most { $n } characters.
email-invalid = “{ $value }” is not a valid email address.
name-empty = Enter a name.
name-too-long = A name has at most { $n } characters.
name-control-characters = A name cannot contain control characters.
