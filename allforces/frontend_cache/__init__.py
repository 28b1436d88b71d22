"""The front-end cache's purging: pages kept by Varnish or a CDN are dropped by surrogate key.

What a change touches (which keys) is decided elsewhere; this package only
delivers the purge. ``purging.purge_after_commit(keys)`` records the keys with
the change and has a Celery task purge them with every configured purger once
the transaction commits; ``headers.tag_response`` marks a reader's page with
its keys. Deployment: docs/deploy.md, deploy/varnish/.
"""
