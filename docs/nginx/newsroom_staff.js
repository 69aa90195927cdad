// Tells a real staff session apart for nginx's micro-cache, as core/staff.py does for the application's page
// cache: a request is staff's only when its `newsroom_staff` cookie is `<expires>.<hmac>`, where <expires> is a time
// still ahead (POSIX seconds, no further than $newsroom_session_cookie_age and a minute from now) and <hmac> is the
// HMAC of `<sessionid>.<expires>` under NEWSROOM_STAFF_MARKER_KEY. Any other pair, however well-formed, is a
// reader's and is answered from the cache; so is a pair kept after its session ended, once its time has passed.
//
// The HMAC is Django's salted_hmac(SALT, value, secret=key, algorithm="sha256"): HMAC-SHA256 of the value, keyed
// with sha256(SALT + key). The key reaches nginx as $newsroom_staff_marker_key, from a file only root can read
// (docs/production.md, "nginx with a micro-cache").

const crypto = require('crypto');

const SALT = 'newsroom.staff.marker';
const SESSION_COOKIE = 'sessionid';
const MARKER_COOKIE = 'newsroom_staff';
// As core/staff.py reads a marker: digits without a leading zero (the one spelling that was signed), a dot, the
// hex HMAC.
const MARKER = /^([1-9][0-9]{0,11})\.([0-9a-f]{64})$/;
// The clocks of nginx and the application machines differ a little; no marker is minted further ahead than this.
const CLOCK_SKEW = 60;

// As Django's parse_cookie reads the header, so both sides look at the same pair: split on ";", then on the first
// "=", blanks stripped, the last cookie of a name wins (nginx's own $cookie_ variables take the first).
function cookie_pair(header) {
    let session = '';
    let marker = '';
    header.split(';').forEach(function (chunk) {
        const equals = chunk.indexOf('=');
        if (equals < 0) {
            return;
        }
        const name = chunk.slice(0, equals).trim();
        const value = chunk.slice(equals + 1).trim();
        if (name === SESSION_COOKIE) {
            session = value;
        } else if (name === MARKER_COOKIE) {
            marker = value;
        }
    });
    return [session, marker];
}

// The marker core/staff.py's staff_marker() makes: `expires` is the string of digits as the cookie spells it.
function marker_of(session, expires, key) {
    const derived = crypto.createHash('sha256').update(SALT + key).digest();
    return expires + '.' + crypto.createHmac('sha256', derived).update(session + '.' + expires).digest('hex');
}

// Whole strings compared in a time that does not depend on where they first differ.
function same(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    let difference = 0;
    for (let i = 0; i < a.length; i++) {
        difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return difference === 0;
}

// js_set handler: "1" for a staff request (bypass the cache, store nothing), "0" for everyone else.
function staff(r) {
    const pair = cookie_pair(r.headersIn.Cookie || '');
    if (!pair[0] || !pair[1]) {
        return '0';
    }
    const key = r.variables.newsroom_staff_marker_key || '';
    const age = Number(r.variables.newsroom_session_cookie_age || '');
    if (!key || !(age > 0)) {
        // Refusing every pair keeps the cache safe; staff then read the readers' copy until both are set.
        r.error('newsroom_staff: $newsroom_staff_marker_key or $newsroom_session_cookie_age is not set, ' +
                'no request is treated as staff');
        return '0';
    }
    const parsed = MARKER.exec(pair[1]);
    if (!parsed) {
        return '0';
    }
    const expires = Number(parsed[1]);
    const now = Date.now() / 1000;
    if (!(now < expires && expires <= now + age + CLOCK_SKEW)) {
        return '0';
    }
    return same(pair[1], marker_of(pair[0], parsed[1], key)) ? '1' : '0';
}

export default { staff, cookie_pair, marker_of };
