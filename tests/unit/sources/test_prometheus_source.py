"""`[[metric]]` sources against a real HTTP server on 127.0.0.1 speaking the Prometheus API:
the history from one range query then instant values, every error in words, secrets hidden."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from tests.support.http_server import TestHTTPServer, closed_port_url
from warroom.config.metric import MetricConfig
from warroom.config.model import Secret
from warroom.sources.prometheus import RANGE_EVERY, MetricSource

NOW = datetime.now(UTC)


def vector(value: str, at: float, **labels: str) -> str:
    result = [{"metric": labels, "value": [at, value]}]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}})


def matrix(points: list[tuple[float, str]], **labels: str) -> str:
    result = [{"metric": labels, "values": [list(p) for p in points]}]
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}})


def source(url: str, query: str = "up", **kw: object) -> MetricSource:
    cfg = MetricConfig(name="m", url=Secret(url), query=query, **kw)  # type: ignore[arg-type]
    return MetricSource(cfg, environ={})


async def test_history_comes_from_one_range_query_then_instant_values_are_added() -> None:
    at = NOW.timestamp()
    with TestHTTPServer() as srv:
        srv.set_route("/api/v1/query", body=vector("0.5", at, job="api"))
        srv.set_route("/api/v1/query_range", body=matrix([(at - 600, "0.1"), (at - 300, "0.2")], job="api"))
        metric = source(srv.url(), "rate(x[5m])", unit="ratio")
        first = await metric.collect(NOW)
        assert first.error is None and first.value == 0.5 and first.shown(first.value) == "50%"
        assert first.series[0].labels == '{job="api"}'
        assert [v for _, v in first.series[0].history] == [0.1, 0.2, 0.5]
        for _ in range(RANGE_EVERY - 1):
            await metric.collect(NOW)
        assert srv.hits("/api/v1/query_range") == 1 and srv.hits("/api/v1/query") == RANGE_EVERY
        asked = parse_qs(urlsplit(next(r.path for r in srv.requests if "query_range" in r.path)).query)
        assert asked["query"] == ["rate(x[5m])"] and asked["step"] == ["30s"]
        assert float(asked["end"][0]) - float(asked["start"][0]) == 1800.0


async def test_prometheus_refusing_a_query_is_said_in_its_words() -> None:
    with TestHTTPServer() as srv:
        srv.set_route(
            "/api/v1/query",
            status=400,
            body='{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}',
        )
        result = await source(srv.url(), "sum(").collect(NOW)
        assert result.failure == "parse" and result.error_text == "PromQL: 1:5: parse error: unexpected end of input"
        assert "error: PromQL: 1:5: parse error" in result.as_text()


async def test_timeouts_unreachable_servers_and_strings_say_so() -> None:
    with TestHTTPServer() as srv:
        srv.set_route("/api/v1/query", body=vector("1", NOW.timestamp()), delay=3.0)
        slow = await source(srv.url(), timeout=0.3).collect(NOW)
        assert slow.failure == "timeout" and slow.error == "timeout after 0.3s"
        srv.set_route("/api/v1/query", body='{"status":"success","data":{"resultType":"string","result":[1,"hello"]}}')
        text = await source(srv.url()).collect(NOW)
        assert text.failure == "type" and text.error == "the result is a string, not a number"
        srv.set_route("/api/v1/query", status=502, body="<html>bad gateway</html>")
        proxy = await source(srv.url()).collect(NOW)
        assert proxy.error == "HTTP 502: not a Prometheus API answer"
    gone = await source(closed_port_url()).collect(NOW)
    assert gone.failure == "unreachable" and gone.error == "cannot reach the server: connection refused"


async def test_an_empty_result_is_no_data_not_an_error() -> None:
    with TestHTTPServer() as srv:
        srv.set_route("/api/v1/query", body='{"status":"success","data":{"resultType":"vector","result":[]}}')
        result = await source(srv.url()).collect(NOW)
        assert result.error is None and result.no_data and "no data" in result.as_text()


async def test_env_secrets_reach_the_server_and_never_the_result() -> None:
    with TestHTTPServer() as srv:
        srv.set_route("/api/v1/query", body=vector("1", NOW.timestamp()))
        base = srv.url().rstrip("/") + "/?token=${PROM_TOKEN}"
        metric = MetricSource(
            MetricConfig(
                name="m",
                url=Secret(base),
                query="up",
                headers=(("Authorization", Secret("Bearer ${PROM_TOKEN}")),),
            ),
            environ={"PROM_TOKEN": "s3cr3t-tok"},
        )
        result = await metric.collect(NOW)
        assert result.error is None
        assert srv.headers_seen("Authorization")[-1] == "Bearer s3cr3t-tok"
        assert "s3cr3t-tok" not in json.dumps(result.to_json()) and "s3cr3t-tok" not in result.as_text()
        missing = await MetricSource(metric.config, environ={}).collect(NOW)
        assert missing.failure == "config" and missing.error == "environment variable PROM_TOKEN is not set"
