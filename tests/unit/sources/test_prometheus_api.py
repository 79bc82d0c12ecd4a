"""Reading the Prometheus HTTP API's answers: the formats' own examples, errors in its words."""

from __future__ import annotations

import json
import math

from warroom.sources.prometheus_api import MAX_SERIES, labels_text, parse_answer

#: The example answer from the API's documentation (vector).
VECTOR = (
    b'{"status": "success", "data": {"resultType": "vector",'
    b' "result": [{"metric": {"__name__": "up", "job": "api"}, "value": [1765000350.781, "1"]}]}}'
)


def test_a_vector_gives_each_series_its_labels_and_value() -> None:
    answer = parse_answer(200, VECTOR)
    assert answer.error is None and answer.result_type == "vector"
    assert answer.series == (('up{job="api"}', ((1765000350.781, 1.0),)),)


def test_a_matrix_gives_every_point_oldest_first() -> None:
    body = json.dumps(
        {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [
                    {"metric": {"job": "api", "code": "500"}, "values": [[100, "0.5"], [130, "0.75"], [160, "NaN"]]},
                    {"metric": {}, "values": [[100, "+Inf"]]},
                ],
            },
        }
    ).encode()
    answer = parse_answer(200, body)
    assert answer.result_type == "matrix"
    (labels, points), (bare, inf) = answer.series
    assert labels == '{code="500",job="api"}' and points[:2] == ((100.0, 0.5), (130.0, 0.75))
    assert math.isnan(points[2][1])
    assert bare == "{}" and inf == ((100.0, math.inf),)


def test_a_scalar_is_one_series_and_a_string_is_not_a_number() -> None:
    scalar = parse_answer(200, b'{"status":"success","data":{"resultType":"scalar","result":[1765000350.781,"42"]}}')
    assert scalar.error is None and scalar.series == (("scalar", ((1765000350.781, 42.0),)),)
    text = parse_answer(200, b'{"status":"success","data":{"resultType":"string","result":[1765000350.781,"hi"]}}')
    assert text.failure == "type" and text.error == "the result is a string, not a number"


def test_errors_keep_prometheus_own_words_and_say_which_kind() -> None:
    bad = b'{"status": "error", "errorType": "bad_data", "error": "1:5: parse error: unexpected end of input"}'
    parsed = parse_answer(400, bad)
    assert parsed.failure == "parse" and parsed.error == "1:5: parse error: unexpected end of input"
    cannot = parse_answer(422, b'{"status":"error","errorType":"execution","error":"many-to-many matching"}')
    assert cannot.failure == "execution" and cannot.error == "many-to-many matching"
    slow = parse_answer(
        503, b'{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}'
    )
    assert slow.failure == "timeout" and "timed out" in (slow.error or "")


def test_an_answer_that_is_not_the_api_says_so() -> None:
    html = parse_answer(502, b"<html>Bad Gateway</html>")
    assert html.failure == "http" and html.error == "HTTP 502: not a Prometheus API answer"
    assert parse_answer(200, b'{"some": "json"}').failure == "http"


def test_warnings_and_hostile_labels_are_clean_text() -> None:
    body = json.dumps(
        {
            "status": "success",
            "warnings": ["PromQL info: metric might not be a counter\x1b[2J"],
            "data": {
                "resultType": "vector",
                "result": [{"metric": {"job": "[b]x\x1b]52;c;aGk=\x07"}, "value": [1, "2"]}],
            },
        }
    ).encode()
    answer = parse_answer(200, body)
    assert answer.warnings and "\x1b" not in answer.warnings[0]
    assert "\x1b" not in answer.series[0][0] and "\x07" not in answer.series[0][0]
    assert answer.series[0][0].startswith('{job="[b]x')


def test_a_huge_result_is_cut_and_counted() -> None:
    result = [{"metric": {"i": str(i)}, "value": [1, str(i)]} for i in range(MAX_SERIES + 7)]
    body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()
    answer = parse_answer(200, body)
    assert len(answer.series) == MAX_SERIES and answer.cut == 7


def test_labels_are_written_as_promql_writes_them() -> None:
    assert labels_text({"__name__": "http_requests_total", "job": "api", "code": "500"}) == (
        'http_requests_total{code="500",job="api"}'
    )
    assert labels_text({"__name__": "up"}) == "up" and labels_text({}) == "{}"
