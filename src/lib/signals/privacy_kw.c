/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the keyword tables of the privacy signal: what names
 * a privacy policy and what each of the eight topics of a complete policy is
 * called in en, zh (simplified and traditional), th, vi, id and ms. Words are
 * chosen to be specific (a phrase rather than a bare word) where a bare word
 * would match ordinary shop text.
 */
#include "signals/privacy_kw.h"

const char *const cwt__privacy_title_words[] = {
    "privacy", "data protection", "personal data", "personal information protection", "pdpa",
    "隐私", "隱私", "个人信息保护", "個人資料保護", "个人信息政策",
    "ความเป็นส่วนตัว", "คุ้มครองข้อมูลส่วนบุคคล",
    "quyền riêng tư", "chính sách bảo mật", "bảo mật thông tin",
    "privasi", "perlindungan data",
    "datenschutz", "privacidad", "confidentialité", "privacidade", NULL};

const char *const cwt__privacy_url_words[] = {"privacy", "privacidad", "privasi", "datenschutz", "yinsi",
                                              "data-protection", "dataprotection", "pdpa", "personal-data",
                                              "quyen-rieng-tu", "chinh-sach-bao-mat", "bao-mat", NULL};

static const char *const w_collected[] = {
    "we collect", "information we collect", "data we collect", "collection of personal", "personal data we",
    "types of personal", "categories of personal", "information you provide",
    "我们收集", "收集的信息", "收集的个人信息", "收集您的", "我們收集", "蒐集", "收集的資料",
    "ข้อมูลที่เราเก็บ", "การเก็บรวบรวมข้อมูล", "เก็บรวบรวมข้อมูล",
    "thu thập thông tin", "thông tin chúng tôi thu thập", "thu thập dữ liệu",
    "data yang kami kumpulkan", "kami mengumpulkan", "pengumpulan data", "informasi yang kami kumpulkan",
    "data yang kami kumpul", "kami mengumpul", "pengumpulan maklumat", "maklumat peribadi yang", NULL};
static const char *const w_purposes[] = {
    "purpose", "how we use", "we use your", "use of your", "use your personal",
    "目的", "用途", "使用您的", "如何使用", "使用目的",
    "วัตถุประสงค์", "การใช้ข้อมูล",
    "mục đích", "sử dụng thông tin", "cách chúng tôi sử dụng",
    "tujuan", "penggunaan data", "penggunaan informasi", "penggunaan maklumat", NULL};
static const char *const w_sharing[] = {
    "third part", "share your", "sharing", "disclose", "disclosure", "service provider",
    "第三方", "共享", "披露", "分享", "提供给", "委託",
    "บุคคลภายนอก", "บุคคลที่สาม", "การเปิดเผย", "เปิดเผยข้อมูล",
    "bên thứ ba", "chia sẻ", "tiết lộ",
    "pihak ketiga", "membagikan", "mengungkapkan", "berbagi", "berkongsi", "mendedahkan", "pendedahan", NULL};
static const char *const w_transfer[] = {
    "cross-border", "cross border", "international transfer", "transfer of personal", "transferred to",
    "transfer your", "outside your country", "other countries", "outside the country", "abroad",
    "跨境", "境外", "出境", "传输至", "转移至", "傳輸至", "移轉至", "其他国家", "其他國家",
    "ต่างประเทศ", "โอนข้อมูล", "ส่งหรือโอน",
    "chuyển dữ liệu", "ra nước ngoài", "xuyên biên giới", "chuyển thông tin",
    "lintas negara", "luar negeri", "transfer data", "pemindahan data", "luar negara", "rentas sempadan", NULL};
static const char *const w_retention[] = {
    "retain", "retention", "how long", "stored for", "keep your", "period of time", "storage period",
    "保存期限", "保留期限", "存储期限", "保存期間", "保存时间", "保留您的", "存储您的",
    "ระยะเวลาการเก็บ", "ระยะเวลาในการเก็บ", "เก็บรักษา",
    "thời gian lưu", "lưu trữ",
    "menyimpan", "penyimpanan", "retensi", "tempoh penyimpanan", NULL};
static const char *const w_rights[] = {
    "your rights", "right to access", "right to request", "right of access", "rectif", "erasure",
    "delete your", "withdraw your consent", "withdraw consent", "opt out", "opt-out", "data subject",
    "您的权利", "您的權利", "更正", "删除", "刪除", "撤回同意", "查阅", "查閱",
    "สิทธิของเจ้าของข้อมูล", "สิทธิของคุณ", "ขอเข้าถึง", "ขอลบ", "เพิกถอนความยินยอม",
    "quyền của bạn", "quyền truy cập", "yêu cầu xóa", "rút lại sự đồng ý", "chủ thể dữ liệu",
    "hak anda", "hak untuk", "menghapus", "menarik persetujuan", "akses dan pembetulan", "membetulkan", NULL};
static const char *const w_contact[] = {
    "data protection officer", "privacy officer", "dpo@", "contact us", "questions about this",
    "联系我们", "聯絡我們", "联系方式", "聯繫我們", "数据保护官", "个人信息保护负责人", "個人資料保護長",
    "เจ้าหน้าที่คุ้มครองข้อมูล", "ติดต่อเรา", "ช่องทางการติดต่อ",
    "liên hệ", "cán bộ bảo vệ dữ liệu",
    "hubungi kami", "petugas perlindungan data", "pegawai perlindungan data", NULL};
static const char *const w_cookies[] = {"cookie", "คุกกี้", "kuki", "缓存文件", "網站追蹤", "tracking technolog",
                                        "local storage", NULL};

const struct cwt__privacy_topic cwt__privacy_topics[CWT__PRIVACY_TOPICS] = {
    {"data_collected", "the data collected", w_collected},
    {"purposes", "why the data is used", w_purposes},
    {"sharing", "sharing with third parties", w_sharing},
    {"cross_border", "cross-border transfer", w_transfer},
    {"retention", "how long data is kept", w_retention},
    {"rights", "the user's rights (access, correction, deletion)", w_rights},
    {"contact", "whom to contact (data protection officer)", w_contact},
    {"cookies", "cookies", w_cookies},
};
