from __future__ import annotations

import pytest

from goodterms.text import analyze


@pytest.mark.parametrize(
    "text",
    [
        "I've written three times and still no answer, this is really disappointing",
        "We are still waiting for the files you promised last week. This is unacceptable.",
        "Kirjutan juba kolmas kord ja ikka vastust pole. Olen väga pettunud.",
        "ติดต่อมาหลายครั้งแล้วยังไม่มีใครตอบเลย ผิดหวังมากค่ะ",
    ],
)
def test_frustrated_customer_who_waited_is_not_hostile(text: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "frustrated"
    assert tone.phrases


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("You are useless idiots and I want my money back", "idiots"),
        ("Sa oled täielik tohman, kas sa lugeda ei oska?", "tohman"),
        ("ไอ้ควาย ทำงานแบบนี้ได้ยังไง", "ไอ้ควาย"),
    ],
)
def test_insult_aimed_at_staff_is_hostile(text: str, phrase: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "hostile"
    assert phrase in tone.phrases
    assert tone.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Fix this today or I will sue you and leave a one star review everywhere.",
        "Kui arve pole homseks parandatud, kaeban kohtusse.",
        "ถ้าไม่คืนเงินภายในวันนี้ จะฟ้องร้องแน่นอน",
    ],
)
def test_threat_is_hostile(text: str) -> None:
    assert analyze(text).tone.label == "hostile"


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much for the quick reply, have a nice day!",
        "Aitäh kiire vastuse eest, ilusat päeva!",
        "ขอบคุณมากค่ะ ได้รับไฟล์เรียบร้อยแล้ว",
    ],
)
def test_thankful_client_is_polite(text: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "polite"
    assert tone.score < 0.5


def test_swearing_at_the_situation_is_frustrated_not_hostile() -> None:
    assert analyze("This is fucking ridiculous, still waiting for the invoice").tone.label == "frustrated"


def test_plain_request_is_neutral() -> None:
    tone = analyze("The meeting is moved to room 4.").tone
    assert tone.label == "neutral"
    assert tone.phrases == ()


def test_json_has_the_documented_shape() -> None:
    out = analyze("Please send the report by Friday, thanks").to_json()
    assert set(out) == {"language", "tone", "asks_discount", "deadline"}
    assert set(out["tone"]) == {"label", "score", "phrases", "threat"}
    assert set(out["deadline"]) == {"at", "urgency", "phrase"}
    assert analyze("Hello").to_json()["deadline"] is None


def test_unknown_language_or_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        analyze("hello", lang="de")
    with pytest.raises(ValueError, match="time zone"):
        analyze("hello", tz="Mars/Olympus")


CONTEMPT = [
    "Te olete täiesti ebakompetentsed, see on jama töö ja ma ei maksa sentigi!",
    "Teie meeskond on üks suur nali. Amatöörid.",
    "Mu koer kirjutaks paremat teksti kui teie nn disainerid.",
    "My dog could write better copy than your so-called designers.",
    "You clearly have no idea what you're doing. Absolute amateurs.",
    "This is a fucking disgrace.",
    "มืออาชีพตรงไหน ทำงานแบบนี้ไม่อายบ้างเหรอ",
    "เด็กประถมยังถอดเทปได้ดีกว่านี้",
]
THREATS = [
    "Fix this today or I will leave a one-star review everywhere I can.",
    "I'm going to tell everyone I know that your firm is a scam.",
    "If I don't get a refund by Friday, my lawyer will be in touch.",
    "We will not pay the invoice until you redo the whole thing.",
    "Parandage see täna ära või panen igale poole ühe tärni arvustuse.",
    "Kui ma reedeks raha tagasi ei saa, võtab minu advokaat teiega ühendust.",
    "Me ei maksa arvet enne, kui te kogu töö tasuta ümber teete.",
    "แก้ให้เสร็จวันนี้ ไม่งั้นจะรีวิวหนึ่งดาวทุกที่เลย",
    "จะบอกทุกคนที่รู้จักว่าบริษัทนี้หลอกลวง",
    "ไม่มีการจ่ายเงินจนกว่าจะแก้บั๊กเสร็จ",
]


@pytest.mark.parametrize(("text", "threat"), [(t, False) for t in CONTEMPT] + [(t, True) for t in THREATS])
def test_contempt_and_threats_are_hostile_and_threats_are_reported_apart(text: str, threat: bool) -> None:
    """Contempt without a listed insult is hostile; a threat is hostile and also reported as a threat."""
    result = analyze(text)
    assert result.tone.label == "hostile", text
    assert result.tone.phrases
    assert result.tone.threat is threat
    assert result.to_json()["tone"]["threat"] is threat


@pytest.mark.parametrize(
    "text",
    [
        "I've been waiting three days for a reply. Is anyone actually looking at this ticket?",
        "Please send the transcript as soon as possible.",
        "The quality has really dropped lately and that worries me.",
        "Could you knock 15% off? Another agency quoted less.",
        "Do you also translate medical documents?",
    ],
)
def test_chasing_worry_and_price_talk_are_not_hostile(text: str) -> None:
    assert analyze(text, lang="en").tone.label != "hostile"


def test_a_learned_model_still_trusts_the_head_at_one_half() -> None:
    """Staff marks move the head; on an adjusted model the head alone decides at 0.5, as before."""
    from goodterms.text import learn

    text = "Your deliverables keep arriving in an odd shape"
    assert analyze(text, lang="en").tone.label != "hostile"
    model = learn([(text, True)] * 3, strength=50.0)
    assert analyze(text, lang="en", model=model).tone.label == "hostile"


@pytest.mark.parametrize(
    "text",
    [
        "Our lawyer will review the contract.",
        "Attached is the recording of the court hearing.",
        "Can you help us get more reviews on Google?",
        "Can you post about this on our page?",
        "When does the site go public?",
        "Make sure nobody else has access to the server.",
        "Konsulteerisime advokaadiga lepingu osas.",
        "Meie jurist vaatab lepingu üle.",
        "Postitan selle homme Facebooki.",
        "ทนายของเราจะตรวจสัญญาให้ค่ะ",
        "ช่วยลงเฟซให้หน่อยนะคะ",
        "ขอคอยดูผลก่อนนะครับ",
    ],
)
def test_lawyers_courts_reviews_and_posts_mentioned_in_passing_are_not_threats(text: str) -> None:
    """Legal transcription, agencies and IT shops talk about these every day."""
    tone = analyze(text).tone
    assert tone.label != "hostile" and not tone.threat, tone
