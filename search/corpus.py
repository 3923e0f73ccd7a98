# ruff: noqa: E501, SIM905
"""A generated archive of Vietnamese provincial news, inserted in bulk.

Used by the search tests (a few hundred articles) and the benchmark (100,000). Rows are
written directly (page tree paths computed here) instead of publishing each page through
Wagtail, which would take hours at benchmark scale; the search index is then filled with
``search_index --rebuild`` like any archive.

The text is meant to be as selective as a real archive's: a vocabulary of several thousand
words and names (provinces, districts, communes, a pool of officials, agencies, the words
of twelve news topics, function words) drawn with a Zipf-like distribution (a few words in
most articles, most words in few), one topic per article, titles of 10-20 words, leads of
30-60, bodies of 400-900 words and a few photo captions, bylines from 40 reporters and
dates over ten years. Everything is drawn from ``random.Random(seed)``: the same seed
gives the same archive.
"""

import bisect
import itertools
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from news.models import ArticleAuthor, ArticlePage, Author, NewsIndexPage


class Zipf:
    """Draws from ``items`` with weight 1 / rank ** s (the first item is the commonest)."""

    def __init__(self, items, s: float = 1.0):
        self.s = s
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (r**s) for r in range(1, len(self.items) + 1)))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


PROVINCES = (
    "Bắc Ninh, Hà Nội, Bắc Giang, Hải Dương, Hưng Yên, Thái Nguyên, Lạng Sơn, Quảng Ninh, Hải Phòng, "
    "Vĩnh Phúc, Phú Thọ, Thái Bình, Nam Định, Hà Nam, Ninh Bình, Thanh Hóa, Nghệ An, Hà Tĩnh, "
    "Quảng Bình, Quảng Trị, Thừa Thiên Huế, Đà Nẵng, Quảng Nam, Quảng Ngãi, Bình Định, Phú Yên, "
    "Khánh Hòa, Ninh Thuận, Bình Thuận, Kon Tum, Gia Lai, Đắk Lắk, Đắk Nông, Lâm Đồng, Bình Phước, "
    "Tây Ninh, Bình Dương, Đồng Nai, Bà Rịa - Vũng Tàu, Thành phố Hồ Chí Minh, Long An, Tiền Giang, "
    "Bến Tre, Trà Vinh, Vĩnh Long, Đồng Tháp, An Giang, Kiên Giang, Cần Thơ, Hậu Giang, Sóc Trăng, "
    "Bạc Liêu, Cà Mau, Hà Giang, Cao Bằng, Bắc Kạn, Tuyên Quang, Lào Cai, Yên Bái, Điện Biên, "
    "Lai Châu, Sơn La, Hòa Bình"
).split(", ")
DISTRICTS = (
    "Yên Phong, Từ Sơn, Quế Võ, Tiên Du, Thuận Thành, Gia Bình, Lương Tài, Việt Yên, Hiệp Hòa, "
    "Lạng Giang, Lục Nam, Yên Dũng, Tân Yên, Sơn Động, Lục Ngạn, Chí Linh, Kinh Môn, Nam Sách, "
    "Thanh Hà, Cẩm Giàng, Bình Giang, Gia Lộc, Tứ Kỳ, Ninh Giang, Thanh Miện, Văn Lâm, Văn Giang, "
    "Mỹ Hào, Khoái Châu, Kim Động, Ân Thi, Phù Cừ, Tiên Lữ, Đông Anh, Sóc Sơn, Gia Lâm, Mê Linh, "
    "Thạch Thất, Quốc Oai, Chương Mỹ, Thanh Oai, Thường Tín, Phú Xuyên, Ứng Hòa, Mỹ Đức, Ba Vì, "
    "Phúc Thọ, Đan Phượng, Hoài Đức, Sơn Tây, Đại Từ, Phú Lương, Võ Nhai, Định Hóa, Đồng Hỷ, Phổ Yên, "
    "Phú Bình, Hữu Lũng, Chi Lăng, Cao Lộc, Văn Quan, Bình Gia, Tràng Định, Đình Lập, Hạ Long, "
    "Cẩm Phả, Uông Bí, Đông Triều, Quảng Yên, Vân Đồn, Tiên Yên, Móng Cái, Thủy Nguyên, An Dương, "
    "Kiến Thụy, Tiên Lãng, Vĩnh Bảo, Cát Hải, Tam Đảo, Lập Thạch, Sông Lô, Tam Dương, Bình Xuyên, "
    "Yên Lạc, Vĩnh Tường, Phúc Yên, Lâm Thao, Phù Ninh, Thanh Ba, Hạ Hòa, Cẩm Khê, Yên Lập, "
    "Thanh Sơn, Tân Sơn, Đoan Hùng, Quỳnh Phụ, Hưng Hà, Đông Hưng, Thái Thụy, Tiền Hải, Kiến Xương, "
    "Vũ Thư, Giao Thủy, Hải Hậu, Nghĩa Hưng, Xuân Trường, Trực Ninh, Ý Yên, Vụ Bản, Mỹ Lộc, Duy Tiên, "
    "Kim Bảng, Thanh Liêm, Bình Lục, Lý Nhân, Gia Viễn, Hoa Lư, Yên Khánh, Kim Sơn, Nho Quan, "
    "Tam Điệp, Hoằng Hóa, Hậu Lộc, Nga Sơn, Hà Trung, Vĩnh Lộc, Thạch Thành, Cẩm Thủy, Ngọc Lặc, "
    "Thọ Xuân, Triệu Sơn, Đông Sơn, Quảng Xương, Tĩnh Gia, Nông Cống, Như Thanh, Diễn Châu, "
    "Quỳnh Lưu, Yên Thành, Đô Lương, Nam Đàn, Hưng Nguyên, Nghi Lộc, Thanh Chương, Anh Sơn, Con Cuông, "
    "Tương Dương, Kỳ Sơn, Hương Sơn, Đức Thọ, Can Lộc, Thạch Hà, Cẩm Xuyên, Kỳ Anh, Hương Khê, "
    "Bố Trạch, Quảng Trạch, Lệ Thủy, Tuyên Hóa, Minh Hóa, Hải Lăng, Triệu Phong, Gio Linh, "
    "Vĩnh Linh, Hướng Hóa, Phong Điền, Quảng Điền, Hương Trà, Phú Vang, Phú Lộc, A Lưới, Điện Bàn, "
    "Duy Xuyên, Thăng Bình, Núi Thành, Đại Lộc, Tiên Phước, Bình Sơn, Sơn Tịnh, Tư Nghĩa, Mộ Đức, "
    "Đức Phổ, Hoài Nhơn, Phù Mỹ, Tây Sơn, An Nhơn, Tuy Phước, Sông Cầu, Đồng Xuân, Tuy An, Sơn Hòa, "
    "Ninh Hòa, Vạn Ninh, Cam Lâm, Diên Khánh, Ninh Hải, Ninh Phước, Tuy Phong, Bắc Bình, Hàm Thuận Bắc, "
    "Đức Linh, Krông Pắc, Buôn Đôn, Cư M'gar, Ea Kar, Chư Sê, Mang Yang, Lâm Hà, Di Linh, Bảo Lộc, "
    "Đơn Dương, Bù Đăng, Đồng Xoài, Trảng Bàng, Gò Dầu, Dĩ An, Thuận An, Bến Cát, Long Thành, "
    "Nhơn Trạch, Trảng Bom, Xuân Lộc, Châu Đức, Đất Đỏ, Củ Chi, Hóc Môn, Cần Giờ, Đức Hòa, Bến Lức, "
    "Cần Giuộc, Cái Bè, Cai Lậy, Chợ Gạo, Mỏ Cày, Giồng Trôm, Ba Tri, Cầu Kè, Tiểu Cần, Măng Thít, "
    "Tam Bình, Cao Lãnh, Lấp Vò, Tháp Mười, Chợ Mới, Châu Phú, Tri Tôn, Tân Hiệp, Giồng Riềng, "
    "Phong Điền Tây, Cờ Đỏ, Vị Thủy, Long Mỹ, Kế Sách, Mỹ Tú, Vĩnh Lợi, Giá Rai, Năm Căn, Trần Văn Thời"
).split(", ")
# Commune and ward names: two common place syllables (Tân Lập, Đông Phong, Phú Hòa...).
PLACE_SYLLABLES = (
    "Tân An Phú Hòa Bình Đông Tây Nam Bắc Trung Thượng Hạ Thanh Xuân Hưng Long Phong Lạc Thịnh "
    "Vĩnh Quang Minh Thành Lập Tiến Đức Nghĩa Hiệp Lợi Phúc Lộc Thọ Khánh Thuận Yên Mỹ Sơn Hải "
    "Hà Giang Lâm Tùng Cường Kiều Liên Hồng Văn Kim Ngọc Châu Cát Trường Vân Hiển Định Hội Đồng "
    "Chi Quế Đào Lương Tháp Thạch Cầu Hợp Mai Nhân Tam Đại Phương Dũng Toàn Tuy Gia Triều"
).split()
SURNAMES = Zipf(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Mai Lương Tạ Hà Cao Chu Lưu Thái Quách Kiều Tô".split(),
    s=1.1,
)
MIDDLE_MALE = (
    "Văn Hữu Đức Minh Quang Xuân Ngọc Thanh Công Mạnh Đình Quốc Tiến Duy Anh Hồng Việt".split()
)
MIDDLE_FEMALE = "Thị Thu Thanh Ngọc Minh Kim Hồng Phương Hải Bích Mai Diệu Thúy".split()
GIVEN_MALE = (
    "Hùng Dũng Tuấn Sơn Long Hải Thắng Cường Khánh Quân Đông Hòa Phúc Lộc Thịnh Hưng Huy Tùng "
    "Vinh Quý Nam Bắc Trung Hiếu Nghĩa Tâm Thành Tài Toàn Trí Tú Việt Vũ Chiến Bảo Định Hiệp Kiên "
    "Lâm Lực Mạnh Ninh Phong Quang Sang Tiến Thuận Thông Hoan Luân Giang Đạt Đức Khoa Cảnh Hậu"
).split()
GIVEN_FEMALE = (
    "Lan Hương Hà Thảo Mai Hạnh Hằng Huyền Trang Nga Linh Loan Nhung Oanh Phượng Quỳnh Thủy "
    "Trâm Tuyết Vân Yến Xuân Dung Giang Hoa Hồng Liên Ngân Nhàn Thơm Tươi Uyên Vy Châu Diệp"
).split()
# Names the search tests probe against one fixture article: never generated.
RESERVED_NAMES = {"Nguyễn Trọng Bình", "Nguyễn Văn Phong", "Nguyễn Văn An", "Trần Thị Lan"}
POSITIONS = Zipf(
    [
        "Bí thư Tỉnh ủy",
        "Chủ tịch UBND tỉnh",
        "Phó Chủ tịch UBND tỉnh",
        "Phó Bí thư Thường trực Tỉnh ủy",
        "Chủ tịch HĐND tỉnh",
        "Trưởng ban Tuyên giáo Tỉnh ủy",
        "Giám đốc Sở",
        "Phó Giám đốc Sở",
        "Bí thư Huyện ủy",
        "Chủ tịch UBND huyện",
        "Chủ tịch UBND xã",
        "Bí thư Đảng ủy xã",
        "Trưởng phòng",
        "Trưởng thôn",
        "Hiệu trưởng",
        "Giám đốc Bệnh viện",
        "Đại biểu Quốc hội",
        "Ủy viên Ban Thường vụ Tỉnh ủy",
        "Trưởng Công an huyện",
        "Chủ nhiệm Hợp tác xã",
    ]
)
AGENCIES = Zipf(
    [
        "UBND tỉnh",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Giao thông vận tải",
        "Sở Tài nguyên và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Kế hoạch và Đầu tư",
        "Sở Công Thương",
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Xây dựng",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Thông tin và Truyền thông",
        "Sở Khoa học và Công nghệ",
        "Sở Tư pháp",
        "Công an tỉnh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Ban Tuyên giáo Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Hội Nông dân tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Tỉnh đoàn",
        "Liên đoàn Lao động tỉnh",
        "Hội Cựu chiến binh tỉnh",
        "Ban An toàn giao thông tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Cục Thuế tỉnh",
        "Cục Thống kê",
        "Ngân hàng Chính sách xã hội",
        "Trung tâm Kiểm soát bệnh tật tỉnh",
        "Bệnh viện Đa khoa tỉnh",
        "Ban Quản lý các khu công nghiệp",
        "Đài Khí tượng thủy văn tỉnh",
        "Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn",
        "Hội Chữ thập đỏ tỉnh",
        "Thanh tra tỉnh",
        "Viện Kiểm sát nhân dân tỉnh",
        "Tòa án nhân dân tỉnh",
        "Chi cục Thủy lợi",
        "Chi cục Chăn nuôi và Thú y",
        "Trung tâm Khuyến nông",
        "Hội Khuyến học tỉnh",
        "Liên minh Hợp tác xã tỉnh",
    ],
    s=0.9,
)
REPORTERS = [
    "Minh Thu", "Hoàng Anh", "Thu Hà", "Quốc Việt", "Lệ Hằng", "Đức Trung", "Phương Linh",
    "Thanh Hương", "Ngọc Mai", "Văn Tâm", "Hải Yến", "Mạnh Hùng", "Bảo Ngọc", "Trung Nghĩa",
    "Khánh Linh", "Việt Hưng", "Thùy Dung", "Quang Huy", "Hà Phương", "Minh Đức", "Thanh Tùng",
    "Kim Oanh", "Hữu Thắng", "Mai Lan", "Công Thành", "Diệu Linh", "Xuân Trường", "Ngọc Hân",
    "Tiến Dũng", "Hồng Nhung", "Nguyên Khôi", "Thu Trang", "Đình Long", "Bích Ngọc", "Văn Quý",
    "Anh Tuấn", "Lan Anh", "Hoài Nam", "Tuyết Mai", "Phạm Hiếu",
]  # fmt: skip

# Sentence openers, connectors and the like (the function words of every article).
OPENERS = Zipf(
    [
        "Trong những năm gần đây",
        "Thời gian qua",
        "Năm nay",
        "Theo báo cáo",
        "Tuy nhiên",
        "Bên cạnh đó",
        "Ngoài ra",
        "Đến nay",
        "Cùng với đó",
        "Thực hiện chỉ đạo của tỉnh",
        "Từ đầu năm đến nay",
        "Trong 6 tháng đầu năm",
        "Để đạt được kết quả này",
        "Nhờ đó",
        "Sau nhiều năm triển khai",
        "Theo đánh giá chung",
        "Trước tình hình đó",
        "Cũng theo lãnh đạo địa phương",
        "Với sự vào cuộc của cả hệ thống chính trị",
        "Mặc dù còn nhiều khó khăn",
        "Theo kế hoạch",
        "Được biết",
        "Trên cơ sở đó",
        "Qua kiểm tra",
    ]
)
EVENTS = Zipf(
    [
        "hội nghị",
        "buổi làm việc",
        "lễ khai mạc",
        "buổi lễ",
        "hội nghị sơ kết",
        "hội nghị tổng kết",
        "buổi tọa đàm",
        "phiên họp thường kỳ",
        "hội thảo",
        "buổi gặp mặt",
        "lễ phát động",
        "chương trình giao lưu",
        "lớp tập huấn",
        "buổi kiểm tra thực tế",
        "kỳ họp",
    ],
    s=0.6,
)
GENERAL_VERBS = Zipf(
    [
        "tiếp tục đẩy mạnh",
        "tập trung chỉ đạo",
        "triển khai thực hiện",
        "tăng cường",
        "nâng cao hiệu quả",
        "quan tâm đầu tư",
        "chủ động rà soát",
        "đề xuất giải pháp cho",
        "phối hợp tổ chức",
        "kiểm tra, giám sát",
        "tuyên truyền, vận động về",
        "đánh giá kết quả",
        "huy động nguồn lực cho",
        "tháo gỡ khó khăn trong",
        "hướng dẫn thực hiện",
        "khắc phục hạn chế trong",
    ]
)
GENERAL_PHRASES = Zipf(
    [
        "góp phần phát triển kinh tế - xã hội của địa phương",
        "đáp ứng yêu cầu nhiệm vụ trong tình hình mới",
        "tạo sự chuyển biến rõ nét",
        "nâng cao đời sống vật chất, tinh thần cho nhân dân",
        "đạt và vượt các chỉ tiêu đề ra",
        "được người dân đồng tình hưởng ứng",
        "bảo đảm đúng tiến độ và chất lượng",
        "phát huy vai trò của người đứng đầu",
        "tạo đồng thuận trong xã hội",
        "đúng quy định của pháp luật",
        "kịp thời, công khai, minh bạch",
        "gắn với thực hiện nghị quyết của cấp ủy",
        "không để xảy ra tình trạng chậm trễ",
        "phù hợp với điều kiện thực tế",
        "huy động sức mạnh tổng hợp của cả cộng đồng",
    ]
)
FUNCTION_TAILS = Zipf(
    [
        "so với cùng kỳ năm trước",
        "so với kế hoạch",
        "trên địa bàn",
        "trong thời gian tới",
        "của các cấp, các ngành",
        "ở cơ sở",
        "theo đúng lộ trình",
        "từ nay đến cuối năm",
    ]
)
UNITS = Zipf(
    [
        "%",
        "tỷ đồng",
        "hộ",
        "người",
        "ha",
        "công trình",
        "lượt",
        "km",
        "doanh nghiệp",
        "tấn",
        "triệu đồng",
        "trường hợp",
    ]
)


@dataclass
class Topic:
    key: str
    section: str
    weight: float
    subjects: list[str]  # who acts (with AGENCIES)
    verbs: list[str]  # what they do
    objects: list[str]  # what about (the topic's nouns)
    facts: list[str]  # whole sentences with {place}, {n}, {unit}, {person}, {object}


TOPICS = [
    Topic(
        "nong-nghiep",
        "Kinh tế",
        1.4,
        [
            "Hội Nông dân xã",
            "Hợp tác xã nông nghiệp",
            "Trung tâm Khuyến nông",
            "Chi cục Trồng trọt và Bảo vệ thực vật",
            "nông dân",
            "bà con nông dân",
        ],
        [
            "gieo cấy",
            "thu hoạch",
            "chuyển đổi cơ cấu",
            "phòng trừ sâu bệnh cho",
            "ứng dụng cơ giới hóa trong",
            "xây dựng chuỗi liên kết",
            "tiêu thụ",
            "cấp mã số vùng trồng cho",
            "dồn điền đổi thửa",
            "chăm sóc",
            "bảo quản",
        ],
        [
            "lúa xuân",
            "vụ đông",
            "lúa hè thu",
            "cây vụ đông",
            "rau màu",
            "vải thiều",
            "cam Vinh",
            "bưởi Diễn",
            "chè",
            "cà phê",
            "hồ tiêu",
            "thanh long",
            "nhãn lồng",
            "cây ăn quả",
            "sản phẩm OCOP",
            "đàn lợn",
            "đàn gia cầm",
            "đàn bò sữa",
            "thủy sản",
            "tôm thẻ chân trắng",
            "cá tra",
            "rừng trồng",
            "keo lai",
            "nông sản",
            "phân bón",
            "giống lúa chất lượng cao",
            "máy cấy",
            "kênh mương nội đồng",
            "trạm bơm",
            "vùng sản xuất tập trung",
            "rầy nâu",
            "đạo ôn",
            "sâu cuốn lá",
            "dịch tả lợn châu Phi",
            "cúm gia cầm",
            "lở mồm long móng",
            "nông nghiệp công nghệ cao",
            "nhà màng",
            "tưới nhỏ giọt",
            "hợp tác xã kiểu mới",
            "trang trại",
            "giá thu mua",
            "thương lái",
            "xuất khẩu nông sản",
            "chỉ dẫn địa lý",
        ],
        [
            "Năng suất lúa bình quân đạt {n} tạ/ha, tăng {n} tạ/ha so với vụ trước.",
            "Toàn {place} đã gieo cấy được {n} ha, đạt {n}% kế hoạch.",
            "Giá {object} tại {place} hiện dao động từ {n} đến {n} nghìn đồng/kg.",
            "Ông {person}, nông dân thôn {commune}, cho biết gia đình thu về hơn {n} triệu đồng mỗi năm từ {object}.",
            "Cán bộ khuyến nông hướng dẫn bà con theo dõi chặt chẽ diễn biến của {object} trên đồng ruộng.",
        ],
    ),
    Topic(
        "y-te",
        "Xã hội",
        1.2,
        [
            "Sở Y tế",
            "Trung tâm Y tế huyện",
            "Bệnh viện Đa khoa tỉnh",
            "Trạm y tế xã",
            "Trung tâm Kiểm soát bệnh tật tỉnh",
            "đội ngũ y, bác sĩ",
        ],
        [
            "khám, chữa bệnh cho",
            "tiêm chủng",
            "phòng, chống",
            "giám sát",
            "điều trị",
            "cấp phát thuốc cho",
            "tầm soát",
            "truyền thông về",
            "kiểm tra an toàn thực phẩm tại",
            "sàng lọc",
        ],
        [
            "sốt xuất huyết",
            "tay chân miệng",
            "COVID-19",
            "bệnh sởi",
            "bạch hầu",
            "vắc-xin",
            "bảo hiểm y tế",
            "người cao tuổi",
            "trẻ em dưới 5 tuổi",
            "phụ nữ mang thai",
            "bệnh không lây nhiễm",
            "tăng huyết áp",
            "đái tháo đường",
            "ung thư",
            "suy dinh dưỡng",
            "hồ sơ sức khỏe điện tử",
            "khám chữa bệnh từ xa",
            "bếp ăn tập thể",
            "ngộ độc thực phẩm",
            "an toàn thực phẩm",
            "cơ sở hành nghề y dược tư nhân",
            "thuốc và vật tư y tế",
            "bác sĩ gia đình",
            "ca mắc mới",
            "ổ dịch",
            "phun hóa chất diệt muỗi",
            "lăng quăng",
            "trang thiết bị y tế",
            "ghép thận",
            "phẫu thuật nội soi",
            "cấp cứu",
            "hiến máu tình nguyện",
            "đơn vị máu",
        ],
        [
            "Từ đầu năm, toàn tỉnh ghi nhận {n} ca mắc {object}, giảm {n}% so với cùng kỳ.",
            "Bác sĩ {person}, Trưởng khoa, khuyến cáo người dân không tự ý điều trị tại nhà.",
            "Tỷ lệ người dân tham gia bảo hiểm y tế tại {place} đạt {n}%.",
            "Các y, bác sĩ đã khám và cấp thuốc miễn phí cho {n} người dân xã {commune}.",
            "Ngành y tế đã xử lý {n} ổ dịch, phun hóa chất cho {n} hộ gia đình.",
        ],
    ),
    Topic(
        "giao-duc",
        "Giáo dục",
        1.1,
        [
            "Sở Giáo dục và Đào tạo",
            "Phòng Giáo dục và Đào tạo",
            "Trường THPT chuyên",
            "Trường Tiểu học",
            "Trường THCS",
            "thầy và trò",
            "Hội Khuyến học",
        ],
        [
            "tổ chức",
            "ôn tập cho",
            "chuẩn bị",
            "khen thưởng",
            "đầu tư xây dựng",
            "tuyển sinh",
            "bồi dưỡng",
            "triển khai",
            "trao học bổng cho",
        ],
        [
            "kỳ thi tốt nghiệp THPT",
            "kỳ thi học sinh giỏi quốc gia",
            "tuyển sinh vào lớp 10",
            "chương trình giáo dục phổ thông 2018",
            "sách giáo khoa mới",
            "trường đạt chuẩn quốc gia",
            "phòng học kiên cố",
            "học sinh nghèo vượt khó",
            "giáo viên dạy giỏi",
            "năm học mới",
            "lễ khai giảng",
            "bán trú",
            "học sinh dân tộc thiểu số",
            "thiết bị dạy học",
            "giáo dục STEM",
            "ngoại ngữ",
            "tin học",
            "điểm chuẩn",
            "phổ cập giáo dục",
            "xóa mù chữ",
            "học tập suốt đời",
            "bạo lực học đường",
            "an toàn trường học",
            "đội ngũ nhà giáo",
            "huy chương Olympic",
            "giải Nhất",
            "học bổng",
            "giáo dục nghề nghiệp",
        ],
        [
            "Năm học này, toàn tỉnh có {n} học sinh, tăng {n} em so với năm học trước.",
            "Em {person}, học sinh lớp 12, đạt giải Nhất môn Hóa học với số điểm {n}.",
            "Tỷ lệ trường đạt chuẩn quốc gia của {place} đạt {n}%.",
            "Cô giáo {person} chia sẻ, các em đã chủ động ôn tập từ đầu học kỳ.",
            "Tỉnh đã đầu tư {n} tỷ đồng xây mới {n} phòng học và mua sắm {object}.",
        ],
    ),
    Topic(
        "giao-thong",
        "Xã hội",
        1.0,
        [
            "Ban An toàn giao thông tỉnh",
            "Phòng Cảnh sát giao thông",
            "Sở Giao thông vận tải",
            "Ban Quản lý dự án",
            "nhà thầu thi công",
            "lực lượng thanh tra giao thông",
        ],
        [
            "xử lý vi phạm",
            "tuần tra, kiểm soát",
            "khởi công",
            "thông xe",
            "nâng cấp",
            "giải phóng mặt bằng",
            "khắc phục",
            "điều chỉnh phân luồng",
            "thẩm định",
        ],
        [
            "tai nạn giao thông",
            "nồng độ cồn",
            "xe quá tải",
            "mũ bảo hiểm",
            "đường tỉnh",
            "quốc lộ",
            "cầu vượt",
            "đường cao tốc",
            "vành đai 4",
            "dự án BT",
            "giao thông nông thôn",
            "bê tông hóa đường làng",
            "điểm đen tai nạn",
            "đèn tín hiệu",
            "xe khách",
            "bến xe",
            "xe buýt",
            "bằng lái xe",
            "đăng kiểm",
            "hành lang an toàn giao thông",
            "ùn tắc",
            "cầu dân sinh",
            "đường ngang dân sinh",
            "biển báo",
            "camera giám sát",
            "vốn đầu tư công",
        ],
        [
            "Trong tháng, toàn tỉnh xảy ra {n} vụ tai nạn giao thông, làm {n} người chết.",
            "Lực lượng chức năng đã lập biên bản {n} trường hợp vi phạm, phạt tiền {n} triệu đồng.",
            "Tuyến đường dài {n} km, có tổng mức đầu tư {n} tỷ đồng.",
            "Anh {person}, tài xế xe khách, cho biết việc kiểm tra {object} diễn ra nhanh chóng.",
            "Dự án dự kiến hoàn thành trong năm {year}, kết nối {place} với các địa phương lân cận.",
        ],
    ),
    Topic(
        "dai-hoi",
        "Thời sự",
        0.9,
        [
            "Ban Chấp hành Đảng bộ",
            "Ban Thường vụ Tỉnh ủy",
            "Đảng bộ xã",
            "Chi bộ",
            "Tỉnh ủy",
            "Huyện ủy",
            "Đoàn Chủ tịch",
        ],
        [
            "tổ chức thành công",
            "chuẩn bị",
            "bầu",
            "thông qua",
            "chỉ đạo điểm",
            "góp ý",
            "quán triệt",
            "thẩm định",
            "tổng kết",
        ],
        [
            "Đại hội Đảng bộ",
            "Đại hội đại biểu",
            "nhiệm kỳ 2020-2025",
            "nhiệm kỳ 2025-2030",
            "văn kiện đại hội",
            "báo cáo chính trị",
            "nhân sự cấp ủy",
            "Ban Chấp hành khóa mới",
            "đại biểu chính thức",
            "Nghị quyết Trung ương",
            "công tác xây dựng Đảng",
            "chỉnh đốn Đảng",
            "đảng viên mới",
            "kết nạp đảng viên",
            "tổ chức cơ sở đảng",
            "chi bộ trong sạch vững mạnh",
            "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "kiểm tra, giám sát",
            "kỷ luật đảng",
            "sinh hoạt chi bộ",
            "đại hội điểm",
            "phiếu bầu",
            "Bí thư nhiệm kỳ mới",
            "cương lĩnh",
            "điều lệ Đảng",
        ],
        [
            "Đại hội đã bầu {n} đồng chí vào Ban Chấp hành Đảng bộ nhiệm kỳ mới.",
            "Đồng chí {person} được tín nhiệm bầu giữ chức Bí thư với {n}% số phiếu.",
            "Đảng bộ {place} hiện có {n} chi bộ với {n} đảng viên.",
            "Đại hội thông qua {n} chỉ tiêu chủ yếu, trong đó tốc độ tăng trưởng bình quân đạt {n}%/năm.",
            "Các đại biểu đã thảo luận, đóng góp ý kiến vào dự thảo {object}.",
        ],
    ),
    Topic(
        "thi-dua",
        "Thời sự",
        0.7,
        [
            "Hội đồng Thi đua - Khen thưởng tỉnh",
            "Cụm thi đua",
            "Ban Thi đua - Khen thưởng",
            "Khối thi đua",
        ],
        ["phát động", "ký kết giao ước", "trao tặng", "biểu dương", "tổng kết", "xét tặng"],
        [
            "phong trào thi đua yêu nước",
            "thi đua",
            "Bằng khen",
            "Cờ thi đua",
            "Huân chương Lao động",
            "danh hiệu Chiến sĩ thi đua",
            "điển hình tiên tiến",
            "gương người tốt, việc tốt",
            "tập thể lao động xuất sắc",
            "khen thưởng đột xuất",
        ],
        [
            "Dịp này, {n} tập thể và {n} cá nhân được tặng Bằng khen.",
            "Đồng chí {person} đề nghị các đơn vị đổi mới nội dung, hình thức thi đua.",
            "Phong trào đã thu hút {n} lượt người tham gia tại {place}.",
        ],
    ),
    Topic(
        "van-hoa",
        "Văn hóa",
        1.0,
        [
            "Sở Văn hóa, Thể thao và Du lịch",
            "Trung tâm Văn hóa tỉnh",
            "Ban tổ chức lễ hội",
            "nghệ nhân",
            "câu lạc bộ dân ca quan họ",
            "Bảo tàng tỉnh",
        ],
        [
            "tổ chức",
            "khai mạc",
            "bảo tồn",
            "phục dựng",
            "trình diễn",
            "trùng tu",
            "quảng bá",
            "xếp hạng",
            "truyền dạy",
        ],
        [
            "lễ hội",
            "dân ca quan họ",
            "ca trù",
            "hát chèo",
            "tuồng",
            "đình làng",
            "di tích lịch sử",
            "di tích quốc gia đặc biệt",
            "di sản văn hóa phi vật thể",
            "làng nghề truyền thống",
            "tranh Đông Hồ",
            "gốm Phù Lãng",
            "lễ hội đền Bà Chúa Kho",
            "hội Lim",
            "văn hóa công sở",
            "gia đình văn hóa",
            "thiết chế văn hóa",
            "nhà văn hóa thôn",
            "thư viện",
            "điểm du lịch",
            "du khách",
            "tour du lịch",
            "homestay",
            "ẩm thực",
            "giải bóng đá",
            "giải việt dã",
            "vận động viên",
            "huy chương Vàng",
            "võ cổ truyền",
            "cờ tướng",
            "đấu vật",
            "bơi chải",
        ],
        [
            "Lễ hội thu hút hàng nghìn du khách thập phương về dự.",
            "Nghệ nhân {person} đã dành hơn {n} năm truyền dạy {object} cho lớp trẻ.",
            "Năm nay, {place} đón hơn {n} lượt khách du lịch, doanh thu đạt {n} tỷ đồng.",
            "Di tích được xếp hạng năm {year}, hiện đang được trùng tu với kinh phí {n} tỷ đồng.",
        ],
    ),
    Topic(
        "thien-tai",
        "Thời sự",
        0.8,
        [
            "Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn",
            "Đài Khí tượng thủy văn tỉnh",
            "lực lượng vũ trang",
            "Bộ Chỉ huy Quân sự tỉnh",
            "chính quyền địa phương",
        ],
        [
            "ứng phó với",
            "khắc phục hậu quả",
            "sơ tán người dân trước",
            "gia cố",
            "cảnh báo",
            "cứu hộ",
            "hỗ trợ người dân bị ảnh hưởng bởi",
            "kiểm tra",
        ],
        [
            "bão số 3",
            "bão Yagi",
            "áp thấp nhiệt đới",
            "mưa lớn",
            "lũ quét",
            "sạt lở đất",
            "ngập úng",
            "triều cường",
            "xâm nhập mặn",
            "hạn hán",
            "rét đậm, rét hại",
            "dông lốc",
            "mưa đá",
            "đê điều",
            "hồ chứa",
            "nhà tạm",
            "lương thực, nước uống",
            "phương án 4 tại chỗ",
            "vùng trũng thấp",
            "tàu thuyền",
            "nuôi trồng thủy sản trên biển",
            "mực nước sông",
        ],
        [
            "Mưa lớn kéo dài làm {n} ngôi nhà bị tốc mái, {n} ha lúa và hoa màu bị ngập.",
            "Đến chiều ngày {day}, mực nước sông tại {place} đã lên mức báo động {n}.",
            "Lực lượng chức năng đã sơ tán {n} hộ dân tại xã {commune} đến nơi an toàn.",
            "Ông {person}, Trưởng thôn, cho biết người dân đã chủ động chằng chống nhà cửa.",
        ],
    ),
    Topic(
        "an-ninh",
        "Pháp luật",
        0.9,
        [
            "Công an tỉnh",
            "Công an huyện",
            "Phòng Cảnh sát hình sự",
            "Tòa án nhân dân tỉnh",
            "Viện Kiểm sát nhân dân",
            "lực lượng công an xã",
        ],
        [
            "khởi tố",
            "bắt giữ",
            "triệt phá",
            "xét xử",
            "điều tra",
            "xử phạt",
            "truy bắt",
            "đấu tranh, ngăn chặn",
            "tiếp nhận tin báo về",
        ],
        [
            "đường dây ma túy",
            "đánh bạc",
            "cá độ bóng đá",
            "lừa đảo chiếm đoạt tài sản",
            "lừa đảo qua mạng",
            "tín dụng đen",
            "cho vay lãi nặng",
            "trộm cắp tài sản",
            "buôn lậu",
            "hàng giả",
            "vận chuyển pháo nổ",
            "khai thác cát trái phép",
            "tham ô tài sản",
            "lợi dụng chức vụ, quyền hạn",
            "an ninh trật tự",
            "tội phạm công nghệ cao",
            "đối tượng truy nã",
            "án treo",
            "phiên tòa lưu động",
            "căn cước công dân",
            "định danh điện tử",
            "phòng cháy chữa cháy",
            "vụ cháy",
            "cứu nạn, cứu hộ",
        ],
        [
            "Cơ quan điều tra đã khởi tố vụ án, khởi tố bị can đối với {n} đối tượng.",
            "Đối tượng {person}, trú tại xã {commune}, bị tuyên phạt {n} năm tù.",
            "Tang vật thu giữ gồm {n} gói heroin, {n} triệu đồng tiền mặt và nhiều điện thoại di động.",
            "Vụ việc gây thiệt hại hơn {n} tỷ đồng, hiện đang được điều tra mở rộng.",
        ],
    ),
    Topic(
        "kinh-te",
        "Kinh tế",
        1.0,
        [
            "Ban Quản lý các khu công nghiệp",
            "Sở Kế hoạch và Đầu tư",
            "doanh nghiệp",
            "nhà đầu tư",
            "Hiệp hội Doanh nghiệp tỉnh",
            "Cục Thuế tỉnh",
        ],
        [
            "thu hút",
            "cấp giấy chứng nhận đầu tư cho",
            "tháo gỡ vướng mắc về",
            "giải ngân",
            "xúc tiến",
            "đẩy nhanh tiến độ",
            "đối thoại về",
            "hỗ trợ",
        ],
        [
            "vốn FDI",
            "khu công nghiệp",
            "cụm công nghiệp",
            "vốn đầu tư công",
            "thu ngân sách",
            "xuất khẩu",
            "chỉ số năng lực cạnh tranh cấp tỉnh",
            "môi trường đầu tư",
            "doanh nghiệp nhỏ và vừa",
            "khởi nghiệp",
            "thương mại điện tử",
            "chợ truyền thống",
            "giá xăng dầu",
            "chỉ số giá tiêu dùng",
            "tín dụng",
            "lãi suất",
            "nhà ở xã hội",
            "đấu giá quyền sử dụng đất",
            "bất động sản",
            "thuế giá trị gia tăng",
            "hóa đơn điện tử",
            "dự án chậm tiến độ",
            "công nhân",
            "lao động",
            "việc làm",
            "tiền lương",
            "điện mặt trời",
        ],
        [
            "Từ đầu năm, tỉnh thu hút {n} triệu USD vốn đầu tư, tăng {n}% so với cùng kỳ.",
            "Thu ngân sách trên địa bàn đạt {n} tỷ đồng, bằng {n}% dự toán.",
            "Ông {person}, Giám đốc doanh nghiệp, kiến nghị tỉnh sớm giải quyết thủ tục về {object}.",
            "Khu công nghiệp có diện tích {n} ha, tỷ lệ lấp đầy đạt {n}%.",
        ],
    ),
    Topic(
        "xa-hoi",
        "Xã hội",
        1.0,
        [
            "Sở Lao động - Thương binh và Xã hội",
            "Ủy ban Mặt trận Tổ quốc",
            "Hội Chữ thập đỏ",
            "Hội Liên hiệp Phụ nữ",
            "Tỉnh đoàn",
            "Hội Cựu chiến binh",
            "các nhà hảo tâm",
        ],
        [
            "trao quà cho",
            "hỗ trợ",
            "thăm hỏi",
            "xây dựng",
            "bàn giao",
            "chăm lo cho",
            "giải quyết chế độ cho",
            "tư vấn",
        ],
        [
            "hộ nghèo",
            "hộ cận nghèo",
            "nhà đại đoàn kết",
            "nhà tình nghĩa",
            "người có công với cách mạng",
            "thương binh, liệt sĩ",
            "Mẹ Việt Nam anh hùng",
            "trẻ em có hoàn cảnh khó khăn",
            "người khuyết tật",
            "nạn nhân chất độc da cam",
            "xuất khẩu lao động",
            "bảo hiểm xã hội tự nguyện",
            "bảo hiểm thất nghiệp",
            "Tết Nguyên đán",
            "Tháng hành động vì trẻ em",
            "bình đẳng giới",
            "bạo lực gia đình",
            "thanh niên tình nguyện",
            "chiến dịch hè tình nguyện",
            "hiến máu",
            "quỹ Vì người nghèo",
            "giảm nghèo bền vững",
            "nông thôn mới",
            "nông thôn mới nâng cao",
            "xây dựng nông thôn mới",
            "đời sống nhân dân",
        ],
        [
            "Mỗi suất quà trị giá {n} nghìn đồng, gồm tiền mặt và nhu yếu phẩm.",
            "Tỷ lệ hộ nghèo của {place} giảm còn {n}%.",
            "Căn nhà được xây dựng với kinh phí {n} triệu đồng, trong đó quỹ hỗ trợ {n} triệu đồng.",
            "Bà {person}, xã {commune}, xúc động khi nhận {object}.",
        ],
    ),
    Topic(
        "moi-truong",
        "Xã hội",
        0.7,
        [
            "Sở Tài nguyên và Môi trường",
            "Văn phòng Đăng ký đất đai",
            "Phòng Tài nguyên và Môi trường",
            "Công ty Môi trường đô thị",
            "lực lượng cảnh sát môi trường",
        ],
        [
            "xử lý",
            "cấp giấy chứng nhận",
            "thu hồi",
            "quan trắc",
            "kiểm kê",
            "thanh tra",
            "quy hoạch",
            "di dời",
        ],
        [
            "rác thải sinh hoạt",
            "nhà máy xử lý rác",
            "nước thải",
            "ô nhiễm môi trường",
            "ô nhiễm làng nghề",
            "khai thác khoáng sản",
            "đất đai",
            "giấy chứng nhận quyền sử dụng đất",
            "đất công",
            "lấn chiếm đất",
            "bồi thường giải phóng mặt bằng",
            "tái định cư",
            "quy hoạch sử dụng đất",
            "nước sạch nông thôn",
            "rác thải nhựa",
            "phân loại rác tại nguồn",
            "trồng cây xanh",
            "biến đổi khí hậu",
            "tài nguyên nước",
            "đa dạng sinh học",
        ],
        [
            "Mỗi ngày, {place} phát sinh khoảng {n} tấn rác thải sinh hoạt.",
            "Đã có {n} hộ dân bàn giao mặt bằng, đạt {n}% diện tích cần thu hồi.",
            "Kết quả quan trắc cho thấy nhiều chỉ tiêu vượt quy chuẩn cho phép {n} lần.",
            "Ông {person} phản ánh tình trạng {object} kéo dài nhiều năm chưa được giải quyết.",
        ],
    ),
    Topic(
        "chuyen-doi-so",
        "Khoa học",
        0.6,
        [
            "Sở Thông tin và Truyền thông",
            "Trung tâm Phục vụ hành chính công",
            "Tổ công nghệ số cộng đồng",
            "Viettel tỉnh",
            "VNPT tỉnh",
        ],
        ["triển khai", "số hóa", "kết nối", "vận hành", "hướng dẫn người dân sử dụng", "nâng cấp"],
        [
            "chuyển đổi số",
            "dịch vụ công trực tuyến",
            "cải cách hành chính",
            "chính quyền số",
            "chữ ký số",
            "thanh toán không dùng tiền mặt",
            "đô thị thông minh",
            "trung tâm điều hành thông minh",
            "Đề án 06",
            "hồ sơ một cửa",
            "phần mềm quản lý văn bản",
            "an toàn thông tin",
            "cáp quang",
            "sóng 4G",
            "dữ liệu dân cư",
            "trí tuệ nhân tạo",
            "nền tảng số",
            "sàn thương mại điện tử",
        ],
        [
            "Tỷ lệ hồ sơ trực tuyến toàn trình đạt {n}%, tăng {n}% so với năm trước.",
            "Toàn tỉnh đã thành lập {n} tổ công nghệ số cộng đồng với {n} thành viên.",
            "Anh {person}, thành viên tổ công nghệ số, hướng dẫn người dân cài đặt ứng dụng.",
        ],
    ),
]
TOPIC_PICK = list(itertools.accumulate(t.weight for t in TOPICS))
SECTIONS = sorted({t.section for t in TOPICS})


def _people(rng: random.Random, count: int) -> list[str]:
    """A fixed pool of people (officials, farmers, doctors...) that articles name."""
    people, seen = [], set(RESERVED_NAMES)
    while len(people) < count:
        if rng.random() < 0.6:
            name = f"{SURNAMES(rng)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        else:
            name = f"{SURNAMES(rng)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        if name not in seen:
            seen.add(name)
            people.append(name)
    return people


_pool = random.Random(1945)  # noqa: S311 - fixed pools, the same for every seed
PEOPLE = Zipf(_people(_pool, 4000), s=0.8)
COMMUNES = Zipf(
    _pool.sample([f"{a} {b}" for a in PLACE_SYLLABLES for b in PLACE_SYLLABLES if a != b], 1500),
    s=0.8,
)
PROVINCE_PICK = Zipf(PROVINCES, s=1.3)  # a provincial paper: its province first
DISTRICT_PICK = Zipf(DISTRICTS, s=0.9)


@dataclass
class Names:
    """The people and places articles draw from."""

    people: Zipf = PEOPLE
    communes: Zipf = COMMUNES
    provinces: Zipf = PROVINCE_PICK
    districts: Zipf = DISTRICT_PICK

    def without(self, syllables) -> "Names":
        """The same pools without any name containing one of ``syllables``."""
        avoid = set(syllables)

        def keep(pool: Zipf) -> Zipf:
            return Zipf([n for n in pool.items if avoid.isdisjoint(n.split())], s=pool.s)

        return Names(
            *(keep(p) for p in (self.people, self.communes, self.provinces, self.districts))
        )


NAMES = Names()
TOPIC_ZIPF = {
    t.key: (Zipf(t.subjects), Zipf(t.verbs), Zipf(t.objects, s=0.8), Zipf(t.facts)) for t in TOPICS
}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Sentences of one article: its topic's words plus the general ones."""

    def __init__(self, rng: random.Random, topic: Topic, names: Names = NAMES):
        self.rng = rng
        self.names = names
        self.topic = topic
        self.subjects, self.verbs, self.objects, self.facts = TOPIC_ZIPF[topic.key]
        # An article keeps coming back to its own place, people and subject.
        self.place = self.any_place()
        self.people = [names.people(rng) for _ in range(3)]
        self.main_object = self.objects(rng)

    def any_place(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return f"tỉnh {self.names.provinces(self.rng)}"
        if r < 0.75:
            return f"huyện {self.names.districts(self.rng)}"
        return f"xã {self.names.communes(self.rng)}"

    def person(self) -> str:
        rng = self.rng
        return rng.choice(self.people) if rng.random() < 0.7 else self.names.people(rng)

    def obj(self) -> str:
        return self.main_object if self.rng.random() < 0.3 else self.objects(self.rng)

    def number(self) -> str:
        rng = self.rng
        return str(
            rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1000, 50000)])
        )

    def fact(self) -> str:
        rng = self.rng
        text = self.facts(rng)
        while "{n}" in text:
            text = text.replace("{n}", self.number(), 1)
        return text.format(
            place=self.place if rng.random() < 0.6 else self.any_place(),
            person=self.person(),
            object=self.obj(),
            commune=self.names.communes(rng),
            year=rng.randint(2016, 2026),
            day=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}",
            unit=UNITS(rng),
        )

    def sentence(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.30:
            return self.fact()
        if kind < 0.52:
            return (
                f"{OPENERS(rng)}, {self.subjects(rng)} {self.place} đã {self.verbs(rng)} "
                f"{self.obj()} {FUNCTION_TAILS(rng)}, {GENERAL_PHRASES(rng)}."
            )
        if kind < 0.62:
            return (
                f"Phát biểu tại {EVENTS(rng)}, đồng chí {self.person()}, {POSITIONS(rng)}, "
                f"đề nghị {AGENCIES(rng)} {GENERAL_VERBS(rng)} {self.obj()}, {GENERAL_PHRASES(rng)}."
            )
        if kind < 0.74:
            return (
                f"Theo {AGENCIES(rng)}, {self.obj()} {FUNCTION_TAILS(rng)} tăng {self.number()} "
                f"{UNITS(rng)}, trong đó {self.any_place()} có {self.number()} {UNITS(rng)}."
            )
        if kind < 0.86:
            return (
                f"{self.person()} cho biết, thời gian tới địa phương sẽ {GENERAL_VERBS(rng)} "
                f"{self.obj()} và {self.verbs(rng)} {self.obj()}."
            )
        if kind < 0.94:
            return (
                f"{OPENERS(rng)}, {self.any_place()} còn gặp khó khăn về {self.obj()}, "
                f"nhất là ở các xã vùng sâu, vùng xa."
            )
        return f"Đây là nhiệm vụ {GENERAL_PHRASES(rng)}, cần sự vào cuộc của các cấp, các ngành."

    def title(self) -> str:
        rng = self.rng
        for _ in range(8):
            form = rng.random()
            if form < 0.4:
                text = f"{_upper_first(self.subjects(rng))} {self.place} {self.verbs(rng)} {self.main_object}"
            elif form < 0.7:
                text = f"{_upper_first(self.place)}: {GENERAL_VERBS(rng)} {self.main_object}, {GENERAL_PHRASES(rng)}"
            else:
                text = f"{AGENCIES(rng)} {self.verbs(rng)} {self.main_object} tại {self.place} năm {rng.randint(2016, 2026)}"
            if 10 <= len(text.split()) <= 20:
                return text
        return " ".join(text.split()[:20])

    def lead(self) -> str:
        rng = self.rng
        words = [
            f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}, tại {self.place}, "
            f"{self.subjects(rng)} đã tổ chức {EVENTS(rng)} về {self.main_object}."
        ]
        while len(" ".join(words).split()) < 30:
            words.append(self.sentence())
        text = " ".join(words).split()
        return " ".join(text[:60]) + ("" if len(text) <= 60 else "…")

    def body(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        target = rng.randint(400, 900)
        paragraphs, words = [], 0
        while words < target:
            paragraph = " ".join(self.sentence() for _ in range(rng.randint(3, 6)))
            paragraphs.append(paragraph)
            words += paragraph.count(" ") + 1
        captions = [
            f"{self.person()} {self.verbs(rng)} {self.obj()} tại {self.any_place()}."
            for _ in range(rng.randint(1, 3))
        ]
        return paragraphs, captions


def article_fields(
    rng: random.Random, topics: list[Topic] | None = None, names: Names = NAMES
) -> dict:
    if topics is None:
        topic = TOPICS[bisect.bisect(TOPIC_PICK, rng.random() * TOPIC_PICK[-1])]
    else:
        topic = rng.choice(topics)
    writer = Writer(rng, topic, names)
    paragraphs, captions = writer.body()
    body = [
        {
            "type": "paragraph",
            "value": f"<p>{p}</p>",
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
        }
        for p in paragraphs
    ]
    for caption in captions[1:]:
        body.insert(
            rng.randrange(1, len(body) + 1),
            {
                "type": "captioned_image",
                "value": {"image": None, "caption": caption},
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
            },
        )
    return {
        "topic": topic,
        "title": writer.title()[:250],
        "lead": writer.lead(),
        "body": body,
        "caption": captions[0],
    }


def _reporters() -> list[Author]:
    return [Author.objects.get_or_create(name=n, role="Phóng viên")[0] for n in REPORTERS]


@transaction.atomic
def bulk_articles(
    parent: NewsIndexPage,
    count: int,
    seed: int = 2020,
    batch_size: int = 1000,
    progress=None,
    since: datetime | None = None,
    sections: dict[str, NewsIndexPage] | None = None,
    topics: list[str] | None = None,
    avoid: tuple[str, ...] = (),
) -> list[int]:
    """Insert ``count`` live articles; returns their page ids.

    Each goes under ``sections[topic.section]`` when given (``SECTIONS`` lists the names),
    else under ``parent``. ``topics``: only these topic keys (default: all, weighted);
    ``avoid``: no person or place name with one of these syllables.
    Dates are spread over the ten years from ``since`` (default 1 January 2016).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    chosen = None if topics is None else [t for t in TOPICS if t.key in topics]
    pools = NAMES.without(avoid) if avoid else NAMES
    parents = {None: Page.objects.get(pk=parent.pk)}
    for name, page in (sections or {}).items():
        parents[name] = Page.objects.get(pk=page.pk)
    next_step = {key: page.numchild + 1 for key, page in parents.items()}
    added = dict.fromkeys(parents, 0)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    reporters = _reporters()
    reporter_pick = Zipf(range(len(reporters)), s=0.7)
    since = since or timezone.make_aware(datetime(2016, 1, 1))
    span = 10 * 365 * 24 * 3600
    columns = [f for f in ArticlePage._meta.local_concrete_fields]
    ids: list[int] = []
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        pages, details = [], []
        for i in range(n):
            number = created + i
            fields = article_fields(rng, chosen, pools)
            key = fields["topic"].section if fields["topic"].section in parents else None
            home = parents[key]
            published = since + timedelta(seconds=rng.randrange(span))
            slug = f"bai-{seed}-{number}"
            pages.append(
                Page(
                    title=fields["title"],
                    draft_title=fields["title"],
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(home.path, home.depth + 1, next_step[key] + added[key]),
                    depth=home.depth + 1,
                    numchild=0,
                    url_path=f"{home.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=home.locale_id,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            added[key] += 1
            details.append((fields, published))
        Page.objects.bulk_create(pages)
        rows = []
        links = []
        for page, (fields, published) in zip(pages, details, strict=True):
            article = ArticlePage(
                page_ptr_id=page.pk,
                lead=fields["lead"],
                body=fields["body"],
                published_at=published,
                lead_image_caption=fields["caption"][:500],
                initial_view_count=rng.randint(0, 5000),
            )
            rows.append(
                [f.get_db_prep_save(getattr(article, f.attname), connection) for f in columns]
            )
            byline = dict.fromkeys(reporter_pick(rng) for _ in range(rng.choice([1, 1, 1, 2])))
            for order, index in enumerate(byline):
                links.append(
                    ArticleAuthor(page_id=page.pk, author=reporters[index], sort_order=order)
                )
            ids.append(page.pk)
        table = ArticlePage._meta.db_table
        names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        ArticleAuthor.objects.bulk_create(links)
        created += n
        if progress:
            progress(created)
    for key, page in parents.items():
        if added[key]:
            Page.objects.filter(pk=page.pk).update(numchild=F("numchild") + added[key])
    return ids
