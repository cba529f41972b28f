"""What demo clients write, in Thai, Estonian and English: messages a real client would send."""

from __future__ import annotations

Phrases = dict[str, tuple[str, ...]]

COMPANIES: dict[str, tuple[str, ...]] = {
    "th": (
        "บริษัท สยามลีกัล จำกัด",
        "คลินิกหมอสมชาย",
        "บ้านสวนรีสอร์ท",
        "ร้านกาแฟดอยช้าง เชียงใหม่",
        "สำนักงานกฎหมายวิชัยและเพื่อน",
        "โรงพยาบาลสัตว์ทองหล่อ",
        "บริษัท ไทยเทรดดิ้ง จำกัด",
        "มูลนิธิเพื่อเด็กอ่านหนังสือ",
        "ร้านอาหารครัวคุณยาย",
        "บริษัท บางกอกมีเดีย จำกัด",
        "โรงเรียนสอนภาษาสุขุมวิท",
        "คลินิกทันตกรรมยิ้มสวย",
        "บริษัท ภูเก็ตทัวร์ จำกัด",
        "สหกรณ์ออมทรัพย์ครูขอนแก่น",
        "บริษัท อีสานออร์แกนิค จำกัด",
    ),
    "et": (
        "Tallinna Õigusbüroo OÜ",
        "Pärnu Kliinik AS",
        "Tartu Tarkvara OÜ",
        "Saaremaa Mahe OÜ",
        "Viljandi Muusikakool",
        "Nõmme Hambaravi OÜ",
        "Kalamaja Kohvik OÜ",
        "Rakvere Ehitus AS",
        "Haapsalu Kuurort OÜ",
        "Tõravere Teadus MTÜ",
        "Jõgeva Põllumajandus OÜ",
        "Kuressaare Turism OÜ",
        "Valga Raamatupidamine OÜ",
        "Ülemiste Logistika AS",
    ),
    "en": (
        "Hartley & Cole LLP",
        "Northgate Medical Group",
        "Brightwave Marketing Ltd",
        "Greenfield Veterinary Practice",
        "Atlas Property Management",
        "Riverside Dental Care",
        "Meridian Research Institute",
        "Oakridge Family Law",
        "Bluebell Bakery",
        "Crestline Consulting",
        "Harbour Lights Hotel",
        "Summit Physiotherapy",
        "Pinewood Architects",
        "Kingsley Insurance Brokers",
        "Lakeside Community Trust",
    ),
}

REQUESTS: Phrases = {
    "en": (
        "Could you transcribe the attached board meeting recording? Normal turnaround is fine.",
        "Please find attached the audio from yesterday's client interview. Thank you!",
        "Thank you for the last batch. Could you do the same for these two files?",
        "We have a new recording of the partners' meeting. Could you send the transcript next week?",
        "Could you proofread the attached minutes before we circulate them?",
        "Attached is the dictation from Dr. Patel. The usual format, please.",
        "Could you prepare a summary of the attached focus group recording?",
    ),
    "th": (
        "รบกวนถอดเทปการประชุมที่แนบมาให้ด้วยนะคะ ไม่รีบค่ะ ขอบคุณค่ะ",
        "ส่งไฟล์เสียงสัมภาษณ์ลูกค้าเมื่อวานมาให้แล้วครับ ขอบคุณครับ",
        "ขอบคุณสำหรับงานชุดที่แล้วนะคะ รบกวนทำแบบเดิมอีกสองไฟล์ค่ะ",
        "ช่วยตรวจคำผิดในรายงานการประชุมนี้ให้หน่อยได้ไหมครับ",
        "แนบไฟล์บันทึกเสียงของคุณหมอมาให้ค่ะ ใช้รูปแบบเดิมนะคะ",
        "รบกวนสรุปประเด็นจากไฟล์ประชุมกลุ่มย่อยที่แนบมาด้วยครับ",
    ),
    "et": (
        "Palun transkribeerige manuses olev juhatuse koosoleku salvestis. Kiiret pole.",
        "Saadan eilse kliendiintervjuu helifaili. Suur aitäh!",
        "Aitäh eelmise töö eest! Kas saaksite samamoodi teha ka need kaks faili?",
        "Kas saaksite enne laiali saatmist koosoleku protokolli üle vaadata?",
        "Manuses on dr Tamme dikteering, palun tavapärases vormis.",
        "Palun koostage manuses oleva fookusgrupi salvestise kokkuvõte.",
    ),
}

THANKS: Phrases = {
    "en": ("Thanks, that's perfect.", "Received, thank you very much!", "Great work as always."),
    "th": ("ได้รับแล้วค่ะ ขอบคุณมากนะคะ", "เรียบร้อยดีครับ ขอบคุณครับ", "งานดีมากค่ะ ขอบคุณค่ะ"),
    "et": ("Aitäh, täpselt see, mida vaja!", "Kätte saadud, suur tänu!", "Suurepärane töö nagu alati."),
}

#: What the business wrote down as the outcome of a delivery, in the client's language.
DELIVERED_ON_TIME = {"th": "ส่งมอบตรงเวลา", "et": "üle antud õigel ajal", "en": "delivered on time"}

REPLIES: Phrases = {
    "en": ("Thank you, we have started on it.", "Here is the transcript you asked for."),
    "th": ("ได้รับไฟล์แล้วค่ะ กำลังดำเนินการนะคะ", "ส่งงานที่ขอไว้มาให้แล้วครับ"),
    "et": ("Aitäh, oleme tööga alustanud.", "Saadame soovitud transkriptsiooni."),
}

LATE_NIGHT: Phrases = {
    "en": (
        "Sorry, one more thing about tomorrow's file - can you call me back?",
        "Just checking you got my last three messages?",
        "I had another idea for the format, ring me when you see this.",
        "Are you still there? Quick question about the invoice.",
    ),
    "th": (
        "ขอโทษนะคะ อีกเรื่องเกี่ยวกับไฟล์พรุ่งนี้ค่ะ โทรกลับหน่อยได้ไหมคะ",
        "ได้รับข้อความสามอันล่าสุดของดิฉันหรือยังคะ",
        "นึกอะไรออกอีกเรื่องค่ะ เห็นข้อความแล้วโทรหาหน่อยนะคะ",
    ),
    "et": (
        "Vabandust, veel üks asi homse faili kohta - kas saate tagasi helistada?",
        "Kas te mu kolm viimast sõnumit saite kätte?",
        "Tuli veel üks mõte vormingu kohta, helistage kui näete.",
    ),
}

RUSH: Phrases = {
    "en": (
        "I need this by tomorrow morning, ASAP please.",
        "Can you have the full three-hour recording done today? It's urgent.",
        "This has to be ready in two hours, the hearing got moved.",
    ),
    "th": (
        "ขอด่วนภายในวันนี้นะครับ ไฟล์ยาวสามชั่วโมงครับ",
        "พรุ่งนี้เช้าต้องได้ครับ ด่วนมาก",
        "ขอภายในสองชั่วโมงได้ไหมครับ ศาลเลื่อนนัดมาเร็วขึ้น",
    ),
    "et": (
        "Vajan seda homme hommikuks, palun kohe!",
        "Kas kolmetunnine salvestis saab täna valmis? Väga kiire.",
        "See peab kahe tunni pärast valmis olema.",
    ),
}

DISCOUNT: Phrases = {
    "en": (
        "Could you do this one at a lower rate? Another firm quoted me less.",
        "Before I sign anything I would like a free trial, like your big clients get.",
        "It has been three months - can we talk about a discount on the rate?",
        "Could you include the short file for free this time?",
    ),
    "th": (
        "ขอส่วนลดหน่อยได้ไหมครับ ที่อื่นเสนอราคาถูกกว่านี้",
        "ก่อนเซ็นสัญญาขอทดลองใช้ฟรีก่อนได้ไหมครับ",
        "ผ่านมาสามเดือนแล้ว ขอคุยเรื่องลดราคาหน่อยครับ",
    ),
    "et": (
        "Kas saaksite hinda alandada? Teine firma pakkus odavamalt.",
        "Enne lepingu allkirjastamist sooviksin tasuta proovi.",
        "Kolm kuud on möödas - kas saaksime rääkida allahindlusest?",
    ),
}

HOSTILE: Phrases = {
    "en": (
        "This is absolutely unacceptable. Your people are useless and I want it fixed NOW.",
        "Stop wasting my time, you idiots. Answer the phone!",
        "If this isn't done today I will make sure everyone knows how incompetent you are.",
        "Pathetic. I have never dealt with such a useless bunch.",
    ),
    "th": (
        "ทำงานห่วยแตกมาก โทรไปก็ไม่รับ ไร้ความสามารถจริงๆ",
        "ถ้าวันนี้ไม่เสร็จ ผมจะรีวิวให้ทุกคนรู้ว่าบริษัทนี้แย่แค่ไหน",
        "พวกคุณมันโง่หรือไง บอกกี่รอบแล้ว",
    ),
    "et": (
        "See on täiesti vastuvõetamatu, te olete täiesti saamatud!",
        "Kui see täna valmis ei ole, kirjutan igale poole, kui kasutu teie firma on.",
        "Lõpetage mu aja raiskamine, idioodid.",
    ),
}

CHASE: Phrases = {
    "en": (
        "Any news on my request? I wrote on Monday and haven't heard back.",
        "Sorry to write again - is anyone looking at my ticket?",
    ),
    "th": (
        "สอบถามความคืบหน้าเรื่องที่แจ้งไว้หน่อยค่ะ ยังไม่ได้รับการตอบกลับเลย",
        "ขอโทษที่ถามซ้ำนะคะ มีใครดูเรื่องของดิฉันอยู่ไหมคะ",
    ),
    "et": (
        "Tere, kirjutasin eelmisel nädalal ja pole siiani vastust saanud. Kas keegi vaatab mu pöördumist?",
        "Kas minu probleemiga on mingeid uudiseid?",
    ),
}

NITPICK: Phrases = {
    "en": (
        "Please change the comma in the second line and send it back for approval.",
        "The heading should be one point larger. Send it again, please.",
        "I'm not sure about the word 'meeting' - try 'session' and let me approve it again.",
    ),
    "th": (
        "ขอแก้คำในบรรทัดที่สองอีกนิดนะคะ แล้วส่งมาให้อนุมัติอีกรอบ",
        "หัวข้อขอใหญ่ขึ้นอีกนิดค่ะ ส่งมาใหม่นะคะ",
        "ขอเปลี่ยนสีโลโก้ในโพสต์อีกครั้งค่ะ แล้วส่งมาให้ดูก่อนโพสต์",
    ),
    "et": (
        "Palun muutke teise rea koma ja saatke uuesti kinnitamiseks.",
        "Pealkiri peaks olema punkti võrra suurem. Saatke palun uuesti.",
    ),
}

IS_THAT_ALL: Phrases = {
    "en": ("Is that all you did this month?",),
    "th": ("เดือนนี้ทำได้แค่นี้เองเหรอคะ",),
    "et": ("Kas see ongi kõik, mis te sel kuul tegite?",),
}

STAFF_NOTES = (
    ("He shouted at me again on the phone; I let the next call go to voicemail.", -2),
    ("Third call today about the same file. Hard to get any work done.", -2),
    ("Nobody on the team wants to pick up his calls any more.", -1),
)

ASK_SUBJECTS: Phrases = {
    "en": ("Social media posts for next week", "Draft newsletter", "Campaign banner", "Blog post draft"),
    "th": ("โพสต์โซเชียลมีเดียสัปดาห์หน้า", "ร่างจดหมายข่าว", "แบนเนอร์แคมเปญ"),
    "et": ("Järgmise nädala sotsiaalmeedia postitused", "Uudiskirja mustand", "Kampaania bänner"),
}
