"""scripts/push_passes.py end to end: the script as a process, over HTTP, against a live server."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache

from api import tokens
from api.models import ApiToken
from articles.models import Article
from editorial.continuation.panel import tree
from editorial.continuation.segments import assemble_texts
from editorial.jekyll.posts import read_post
from editorial.jekyll.site import collect
from editorial.models import Segment
from tests.api.gateway import gateway
from tests.celery_worker import ROOT
from tests.editorial.continuation.cutoff_corpus.sample import SAMPLE
from tests.factories import make_category

SCRIPT = ROOT / "scripts" / "push_passes.py"
ALL_SCOPES = [scope.value for scope in ApiToken.Scope]
FRONT = '---\ntitle: "電力需要の行方"\ncategories: ["投資分析"]\nexcerpt: "電力需要を読む。"\n---\n\n'
FIRST = "電力需要の見通しは、データセンターの増設計画に大きく左右されます。特に郊外の"
SECOND = "特に郊外の大型施設では、送電網の増強が追いついていません。そのため"
UNRELATED = "まったく別の話題です。半導体の在庫は落ち着きを見せています。"

needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason=f"the shared sample is not at {SAMPLE}")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sample_category(db):
    # The category the importer makes for the sample's 「投資分析」: its name, kept as the slug.
    return make_category(name="投資分析", slug="投資分析")


@pytest.fixture
def secret(writer):
    _, secret = tokens.issue(name="生成パイプライン", user=writer, scopes=ALL_SCOPES, by=None)
    return secret


@pytest.fixture
def sample(tmp_path):
    # A copy: the state file is written beside the input, never into ../shared.
    return shutil.copy(SAMPLE, tmp_path / SAMPLE.name)


def script_env(secret):
    # Nothing of the CMS's configuration (no database, no SECRET_KEY): a pipeline's machine has none.
    return {"PATH": os.environ["PATH"], "ALLFORCES_API_TOKEN": secret, "PYTHONUNBUFFERED": "1"}


def command(server, *files, args=()):
    return [sys.executable, str(SCRIPT), "--api", f"{server.url}/api/v1", *args, *map(str, files)]


def run(server, secret, *files, args=()):
    return subprocess.run(
        command(server, *files, args=args),
        env=script_env(secret),
        capture_output=True,
        text=True,
        timeout=240,
    )


def importers_passes(path):
    return read_post(collect([path])[0]).segments


def write_passes(path, *passes):
    path.write_text(FRONT + "\n---END---\n".join(passes), encoding="utf-8")
    return path


@contextmanager
def a_minute_filled(token_pk, *, leaving, seconds_left):
    """The server's clock ``seconds_left`` before a minute ends, with only ``leaving`` writes
    let through in that minute (the counter the API keeps in Redis). time-machine moves the
    clock of every thread, the live server's too; the script, another process, keeps real time
    and sleeps real seconds, which the moved clock counts as it ticks on."""
    minute_end = (int(time.time() // 60) + 2) * 60
    with time_machine.travel(minute_end - seconds_left, tick=True):
        window = int(time.time() // 60)
        cache.set(f"api:writes:{token_pk}:{window}", tokens.WRITES_PER_MINUTE - leaving, timeout=120)
        yield


@needs_sample
def test_the_sample_is_stitched_as_the_importer_assembles_it(live_server, secret, sample, sample_category):
    result = run(live_server, secret, sample)
    assert result.returncode == 0, result.stderr
    article = Article.objects.get()
    passes = importers_passes(sample)
    assert article.body == assemble_texts(passes)
    assert article.title == "中国AI、推論モデルで静かに台頭するその真意とは？"
    assert article.excerpt == "中国AI、推論モデルで台頭について詳細に分析します。"
    assert list(article.categories.all()) == [sample_category]
    assert {tag.name for tag in article.tags.all()} == {"AI", "最新ニュース", "技術動向", "投資", "チップ"}
    for number in range(1, len(passes) + 1):
        assert f"パス {number}/{len(passes)}: 記事 #{article.pk}・長さ " in result.stdout
    assert f"長さ {len(article.body):,} 文字・切れていない" in result.stdout


@needs_sample
def test_the_samples_third_pass_is_an_alternative_to_its_second(live_server, secret, sample, sample_category):
    assert run(live_server, secret, sample).returncode == 0
    first, second, third, fourth, fifth = Segment.objects.order_by("id")
    assert [s.parent for s in (first, second, third, fourth, fifth)] == [None, first, first, third, fourth]
    # The body follows the alternative, as the importer's tree does.
    nodes, _, _ = tree(Article.objects.get())
    assert [node.segment for node in nodes if node.on_path] == [first, third, fourth, fifth]


@needs_sample
def test_a_second_run_adds_nothing(live_server, secret, sample, sample_category):
    assert run(live_server, secret, sample).returncode == 0
    body = Article.objects.get().body
    again = run(live_server, secret, sample)
    assert again.returncode == 0, again.stderr
    assert "送信済み" in again.stdout
    assert (Article.objects.count(), Segment.objects.count()) == (1, 5)
    assert Article.objects.get().body == body


@needs_sample
def test_a_pass_answered_but_not_recorded_is_not_added_twice(live_server, secret, sample, sample_category):
    assert run(live_server, secret, sample).returncode == 0
    # A crash between the server's commit and the state's write: the state knows only the article.
    state_file = sample.with_name(sample.name + ".push-state.json")
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "passes_done": 1}))
    again = run(live_server, secret, sample)
    assert again.returncode == 0, again.stderr
    assert "パス 5/5" in again.stdout  # sent again, and answered with the first answers
    assert (Article.objects.count(), Segment.objects.count()) == (1, 5)
    assert Article.objects.get().body == assemble_texts(importers_passes(sample))


@needs_sample
def test_a_run_killed_midway_completes_when_run_again(live_server, secret, sample, sample_category):
    # Three writes (the creation and two passes), then the limit makes the script wait: killed there.
    with a_minute_filled(ApiToken.objects.get().pk, leaving=3, seconds_left=50):
        process = subprocess.Popen(
            command(live_server, sample),
            env=script_env(secret),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for line in process.stderr:
                if "429" in line:
                    break
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
    assert Segment.objects.count() == 3
    cache.clear()  # a new minute for the token
    again = run(live_server, secret, sample)
    assert again.returncode == 0, again.stderr
    assert (Article.objects.count(), Segment.objects.count()) == (1, 5)
    assert Article.objects.get().body == assemble_texts(importers_passes(sample))


@needs_sample
def test_a_429_is_waited_out_as_retry_after_says(live_server, secret, sample, sample_category):
    # Ten seconds left in the minute: the script's two writes go through, the third waits.
    with a_minute_filled(ApiToken.objects.get().pk, leaving=2, seconds_left=10):
        started = time.monotonic()
        result = run(live_server, secret, sample)
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    # Sending again before the minute ends would be refused again, until the retries ran out.
    waits = [
        float(line.split(": ")[1].split(" 秒")[0]) for line in result.stderr.splitlines() if "429" in line
    ]
    assert len(waits) == 1 and elapsed >= waits[0] >= 1
    assert (Article.objects.count(), Segment.objects.count()) == (1, 5)


def test_a_refused_pass_stops_with_the_apis_japanese_detail(live_server, secret, sample_category, tmp_path):
    refused = write_passes(tmp_path / "refused.txt", FIRST, UNRELATED)
    result = run(live_server, secret, refused)
    assert result.returncode == 4
    assert "パス 2/2が API に拒否されました（422）" in result.stderr
    assert "重なる箇所がない" in result.stderr
    assert Segment.objects.count() == 1


@needs_sample
def test_submit_sends_the_finished_sample_to_review(live_server, secret, sample, sample_category):
    result = run(live_server, secret, sample, args=["--submit"])
    assert result.returncode == 0, result.stderr
    assert Article.objects.get().status == Article.Status.REVIEW
    assert "レビューに出しました" in result.stdout


def test_submit_is_not_sent_while_a_check_blocks(live_server, secret, sample_category, tmp_path):
    cut_off = write_passes(tmp_path / "cut.txt", FIRST, SECOND)
    result = run(live_server, secret, cut_off, args=["--submit"])
    assert result.returncode == 6
    assert "truncated" in result.stderr
    assert Article.objects.get().status == Article.Status.CONTINUATION


def test_a_file_changed_after_a_run_is_not_pushed_onto_the_same_article(
    live_server, secret, sample_category, tmp_path
):
    path = write_passes(tmp_path / "changed.txt", FIRST, SECOND)
    assert run(live_server, secret, path).returncode == 0
    write_passes(path, FIRST, SECOND + "電力会社の投資は続きます。")
    result = run(live_server, secret, path)
    assert result.returncode == 3
    assert "ファイルが変わっています" in result.stderr
    assert Segment.objects.count() == 2


def test_without_the_token_variable_nothing_is_sent(live_server, sample_category, tmp_path):
    path = write_passes(tmp_path / "passes.txt", FIRST, SECOND)
    result = subprocess.run(
        command(live_server, path),
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ALLFORCES_API_TOKEN" in result.stderr
    assert not Article.objects.exists()


@needs_sample
def test_a_pass_whose_answer_is_lost_is_sent_again_and_added_once(
    live_server, secret, sample, sample_category
):
    with gateway(live_server.url) as front:
        # The server adds pass 2; the gateway answers 502, so the script cannot know it did.
        front.spoil.append(("POST", "/passes"))
        result = run(front, secret, sample, args=["--backoff", "0.2"])
    assert result.returncode == 0, result.stderr
    assert "サーバーエラー（502）" in result.stderr
    assert [status for method, path, status in front.seen if path.endswith("/passes")] == [201] * 5
    assert (Article.objects.count(), Segment.objects.count()) == (1, 5)
    assert Article.objects.get().body == assemble_texts(importers_passes(sample))


def test_a_creation_whose_answer_is_lost_is_sent_again_and_makes_one_article(
    live_server, secret, sample_category, tmp_path
):
    path = write_passes(tmp_path / "passes.txt", FIRST, SECOND)
    with gateway(live_server.url) as front:
        # The server makes the article; the gateway answers 502, so the script cannot know it did.
        front.spoil.append(("POST", "/api/v1/articles"))
        result = run(front, secret, path, args=["--backoff", "0.2"])
    assert result.returncode == 0, result.stderr
    assert "サーバーエラー（502）" in result.stderr
    creations = [status for method, path, status in front.seen if path == "/api/v1/articles"]
    assert creations == [201, 201]  # the second answer is the first one, replayed by its key
    assert (Article.objects.count(), Segment.objects.count()) == (1, 2)


def test_a_server_not_yet_listening_is_waited_for(live_server, secret, sample_category, tmp_path):
    path = write_passes(tmp_path / "passes.txt", FIRST, SECOND)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            "--api",
            f"http://127.0.0.1:{port}/api/v1",
            "--backoff",
            "0.5",
            str(path),
        ],
        env=script_env(secret),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        refused = process.stderr.readline()
        with gateway(live_server.url, port):
            out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert "接続できません" in refused
    assert process.returncode == 0, err
    assert "パス 2/2" in out
    assert Segment.objects.count() == 2
