"""A deterministic mixed-script community corpus (seeded): the languages members write in.

Messages come as DiscordChatExporter-style dicts, so the import path is exactly the one
``python -m bot import-archive`` takes; queries are drawn from the same vocabulary.

Written as a DiscordChatExporter JSON file, message by message (memory stays flat at any size):

    .venv/bin/python bench/corpus.py --messages 1000000 --out bench/out/corpus-1m.json
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

VOCAB: dict[str, list[str]] = {
    "en": ("cooperative social enterprise solidarity economy microfinance training workshop policy "
           "registration certification women youth farmers market fair trade credit union savings "
           "governance members board audit tax exemption law decree network mutual aid housing").split(),
    "id": ("koperasi usaha sosial ekonomi solidaritas pelatihan keuangan simpan pinjam anggota desa "
           "petani pasar pemerintah peraturan pajak jaringan perempuan pemuda").split(),
    "vi": ("hợp tác xã doanh nghiệp xã hội kinh tế đoàn kết tín dụng nông nghiệp đào tạo chính sách "
           "thành viên quỹ phụ nữ thanh niên luật nghị định đăng ký chứng nhận").split(),
    "ru": ("кооператив социальное предприятие экономика солидарность микрофинансирование обучение "
           "политика члены фермеры рынок кредит союз налог закон сеть женщины молодежь").split(),
    "th": ["สหกรณ์", "วิสาหกิจชุมชน", "วิสาหกิจเพื่อสังคม", "เศรษฐกิจสมานฉันท์", "ผ้าไหม", "เกษตรกร", "การฝึกอบรม",
           "นโยบาย", "สมาชิก", "เงินทุน", "ตลาด", "กฎหมาย", "ภาษี", "เครือข่าย", "ชุมชน", "ออมทรัพย์"],
    "km": ["សហករណ៍", "សហគ្រាសសង្គម", "សេដ្ឋកិច្ច", "កសិករ", "ឥណទាន", "បណ្តុះបណ្តាល", "គោលនយោបាយ", "សមាជិក",
           "ទីផ្សារ", "ច្បាប់", "ពន្ធ", "បណ្តាញ", "សហគមន៍"],
    "lo": ["ສະຫະກອນ", "ວິສາຫະກິດສັງຄົມ", "ເສດຖະກິດ", "ຊາວກະສິກອນ", "ສິນເຊື່ອ", "ການຝຶກອົບຮົມ", "ນະໂຍບາຍ",
           "ສະມາຊິກ", "ຕະຫຼາດ", "ກົດໝາຍ", "ຊຸມຊົນ"],
    "zh": ["合作社", "社会企业", "团结经济", "小额信贷", "培训", "政策", "成员", "农民", "市场", "公平贸易", "信用社",
           "储蓄", "治理", "税收", "法律", "网络", "妇女", "青年", "认证", "注册"],
    "ja": ["協同組合", "社会的企業", "連帯経済", "マイクロファイナンス", "研修", "政策", "組合員", "農家", "市場",
           "フェアトレード", "信用組合", "税金", "法律", "ネットワーク", "女性", "若者", "認証", "登録"],
    "ko": ["협동조합", "사회적기업", "연대경제", "소액금융", "교육", "정책", "조합원", "농민", "시장", "공정무역",
           "신용협동조합", "세금", "법률", "네트워크", "여성", "청년", "인증", "등록"],
}
# The mix the community writes in (weights).
MIX = {"en": 30, "id": 8, "vi": 12, "ru": 6, "th": 12, "km": 6, "lo": 4, "zh": 10, "ja": 6, "ko": 6}
SPACED = {"en", "id", "vi", "ru", "ko"}
FILLER = {"en": "the and for with about our in of".split(), "id": "dan untuk dengan di yang".split(),
          "vi": "và cho với của ở".split(), "ru": "и для с о в на".split(), "ko": "그리고 에 대한 및".split()}
START = datetime(2024, 1, 1, tzinfo=UTC)
DISCORD_EPOCH_MS = 1420070400000


def snowflake(when: datetime, seq: int) -> int:
    return ((int(when.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def sentence(rng: random.Random, lang: str) -> str:
    words = VOCAB[lang]
    n = rng.randint(4, 18)
    picked = []
    for _ in range(n):
        if lang in FILLER and rng.random() < 0.35:
            picked.append(rng.choice(FILLER[lang]))
        else:
            picked.append(rng.choice(words))
    if lang in SPACED:
        text = " ".join(picked)
    else:
        text = "".join(picked) if rng.random() < 0.6 else " ".join(picked)
    if rng.random() < 0.15:
        text += f" {rng.choice(VOCAB['en'])} https://example.org/{rng.randint(1, 9999)}"
    return text


def messages(n: int, *, seed: int = 42, start: int = 0, total: int | None = None) -> Iterator[dict[str, Any]]:
    """Messages ``start .. start+n`` of a corpus of ``total`` spread over 700 days (ids increase)."""
    rng = random.Random(seed * 1_000_003 + start)
    langs = list(MIX)
    weights = [MIX[k] for k in langs]
    step = timedelta(days=700) / max(total or n, 1)
    for i in range(start, start + n):
        when = START + step * i
        lang = rng.choices(langs, weights)[0]
        yield {
            "id": str(snowflake(when, i)), "type": "Default", "timestamp": when.isoformat(),
            "content": sentence(rng, lang), "author": {"id": str(100000 + rng.randint(0, 2000)), "isBot": False},
        }


GUILD = 710000000000000001
CHANNEL = 710000000000000201
CHUNK = 50_000  # messages drawn per seeded stream (bench_search.build draws the same chunks)


def stream(n: int, *, seed: int = 42) -> Iterator[dict[str, Any]]:
    """The corpus of ``n`` messages, one at a time, the same as ``bench_search.build`` stores."""
    for start in range(0, n, CHUNK):
        yield from messages(min(CHUNK, n - start), seed=seed, start=start, total=n)


def write_export(path: Path, n: int, *, seed: int = 42, channel_id: int = CHANNEL) -> int:
    """Write the corpus as a DiscordChatExporter JSON export without holding it; returns the bytes."""
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"guild": {"id": str(GUILD), "name": "bench"},
                            "channel": {"id": str(channel_id), "name": "archive"}})[:-1])
        f.write(', "messages": [\n')
        lines: list[str] = []
        for i, message in enumerate(stream(n, seed=seed)):
            lines.append(json.dumps(message, ensure_ascii=False))
            if len(lines) >= 5000 or i == n - 1:
                f.write((",\n" if i >= len(lines) else "") + ",\n".join(lines))
                lines.clear()
        f.write(f'\n], "messageCount": {n}}}\n')
        return f.tell()


def export(n: int, *, seed: int = 42, channel_id: int = 710000000000000201) -> dict[str, Any]:
    return {"guild": {"id": "710000000000000001"}, "channel": {"id": str(channel_id)},
            "messages": list(messages(n, seed=seed))}


def queries(count: int = 200, *, seed: int = 7) -> list[str]:
    """Mixed queries: single words of every script, pairs, 2-character CJK words, one CJK character."""
    rng = random.Random(seed)
    out: list[str] = []
    langs = list(MIX)
    while len(out) < count:
        lang = rng.choice(langs)
        word = rng.choice(VOCAB[lang])
        r = rng.random()
        if r < 0.2 and lang in ("zh", "ja"):
            out.append(word[:2])
        elif r < 0.3:
            out.append(f"{word} {rng.choice(VOCAB[lang])}")
        elif r < 0.35 and lang == "zh":
            out.append(word[0])
        else:
            out.append(word)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="write the seeded mixed-script corpus as a DiscordChatExporter JSON")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    size = write_export(args.out, args.messages, seed=args.seed)
    print(f"{args.out}: {args.messages:,} messages, {size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
