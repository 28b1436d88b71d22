# Varnish in front of gunicorn: readers' pages kept as long as the app says,
# dropped by surrogate key when the app purges (docs/deploy.md, "The front-end cache").
#
# The app decides what is shared: only a response with Cache-Control s-maxage
# (allforces.frontend_cache.headers.tag_response) is kept, for that long, and
# its xkey header names the keys a purge drops it by. Requests with a cookie or
# credentials, the admin, the editors' pages and preview links always go to the app.
#
# Two listeners: "http" for readers (the reverse proxy sends them here) and
# "internal" (-a internal=:6091), reached only from inside the network, where the
# app's purges arrive. Written for Varnish 7 with varnish-modules (xkey); tested
# with Debian bookworm's varnish 7.1 and varnish-modules 0.20 (tests/allforces/frontend_cache/).
vcl 4.1;

import std;
import xkey;

# The backend (gunicorn), its health probe and the purgers' ACL differ between
# machines: backend.vcl beside this file (the tests write their own).
include "backend.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        # Only on the internal listener: on the readers' one every request comes from
        # the reverse proxy, whose address the ACL would let through.
        if (local.socket != "internal" || client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        # A hard purge, not xkey.softpurge: soft purging would serve the old page once
        # more while fetching the new one, and a page taken down must not be served again.
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Belt and braces: the app never marks these shareable, but a mistake there
    # must not put an editor's page or a preview link in front of readers.
    if (req.url ~ "^/(admin|editorial)(/|$)" || req.url ~ "^/(healthz|readyz)(\?|$)") {
        return (pass);
    }
    # A cookie may be a session (an editor); Authorization is someone's own.
    if (req.http.Cookie || req.http.Authorization) {
        return (pass);
    }
    # The site has one language (settings.LANGUAGES), so LocaleMiddleware's
    # "Vary: Accept-Language" would only keep one copy per browser's header.
    unset req.http.Accept-Language;
    # While the app is healthy an expired page is served at most 10 s longer (and
    # refreshed meanwhile); while it is down, for the whole grace (vcl_backend_response).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # A plain-HTTP request gets the app's redirect, never the HTTPS page's copy.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Kept only when the app says so (s-maxage), or for whitenoise's static files;
    # a response that sets a cookie is someone's own. Anything else is remembered
    # as "not shareable" for 2 minutes (hit-for-miss), so concurrent readers are
    # not queued behind one another and a later shareable answer is kept at once.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || (beresp.http.Cache-Control !~ "(?i)s-maxage=[0-9]" && bereq.url !~ "^/static/")) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The TTL is Varnish's reading of Cache-Control (s-maxage before max-age).
    set beresp.grace = 6h;
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for caches, not readers. On the internal listener they stay, for an
    # operator checking what a page is tagged with. With a CDN in front
    # (VARNISH_CDN_IN_FRONT=1) its own headers stay too: Fastly and Cloudflare
    # read them and remove them themselves.
    if (local.socket != "internal") {
        unset resp.http.xkey;
        if (std.getenv("VARNISH_CDN_IN_FRONT") != "1") {
            unset resp.http.Surrogate-Key;
            unset resp.http.Cache-Tag;
        }
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.xkey-purged = req.http.xkey-purged;
    }
}
