# What differs between machines, included by default.vcl: the app and who may purge.
# This one is docker-compose.yml's; another deployment edits it beside default.vcl.

backend default {
    .host = "web";
    .port = "8000";
    # The probe's Host must be one ALLOWED_HOSTS accepts (.env.example lists localhost).
    .host_header = "localhost";
    .first_byte_timeout = 35s;
    .probe = {
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
}

# Purges come from the worker containers over the compose network to the internal
# listener (port 6091, never published); readers never reach that port.
acl purgers {
    "127.0.0.1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}
