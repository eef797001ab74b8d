// SPDX-License-Identifier: MIT
/*
 * text.c - the sentences the page builder writes itself (FAQ questions and answers,
 * "how to check" purposes), in English, Korean, Arabic and Turkish. Templates take
 * numbered placeholders {1}..{6}, never printf formats, so a translation cannot crash.
 * Commands, paths and addresses stand between backticks: renderers show them as code
 * and keep them left-to-right inside Arabic text. Knowledge text has no backticks: its
 * left-to-right runs are found word by word (pl_page_isolate_ltr). A string missing in a language
 * falls back to English (the test of the tables makes sure none is).
 */
#include <stdint.h>
#include <string.h>

#include "page/page_impl.h"

static const char *const en[PG_COUNT] = {
    [PG_Q_DANGEROUS] = "Is port {1} dangerous?",
    [PG_Q_WHY_OPEN] = "Why would port {1} be open on my machine?",
    [PG_Q_FIND_OWNER] = "How do I find what opened port {1}?",
    [PG_Q_CLOSE] = "How do I close or firewall port {1}?",
    [PG_Q_PORT_ZERO] = "Can anything be open on port {1}?",
    [PG_A_RATED] = "portlens rates port {1} as {2} risk when it is reachable beyond this "
                   "machine, because: {3}. ",
    [PG_A_NOTES_ONLY] = "portlens knows of no specific danger beyond these notes: {1}. ",
    [PG_A_NOTHING] = "Nothing in portlens's knowledge base marks port {1} as risky. ",
    [PG_A_DANGER_TAIL] = "A port is only as dangerous as the program listening on it and who "
                         "can reach it: find that program, decide whether it should run, "
                         "and whether it should be reachable from other hosts.",
    [PG_A_ASSIGNS] = "The IANA registry assigns {1}. ",
    [PG_A_ASSIGN_TO] = "{1} to {2}",
    [PG_A_AND] = " and ",
    [PG_A_LIST_SEP] = "; ",
    [PG_A_UNREGISTERED] = "No service is registered for port {1}, so a program listening "
                          "there picked it on its own. ",
    [PG_A_ALSO_USED] = "In practice it is also used for: {1}. ",
    [PG_A_EPHEMERAL] = "It lies in this system's ephemeral range {1}-{2} ({3}), so it may "
                       "simply be the local end of an outgoing connection rather than a "
                       "server. ",
    [PG_A_OWNER_TELLS] = "Only the owning process tells for sure (next question).",
    [PG_A_FIND_OWNER] = "On Linux run `portlens listen --port {1}` or `sudo ss -tulpn 'sport "
                        "= :{1}'`: both show the process id and program (root is needed "
                        "to see other users' processes). On macOS run `sudo lsof -nP -i "
                        ":{1}`. On Windows run `netstat -ano | findstr :{1}` and look the PID "
                        "up with `Get-Process -Id PID` or in Task Manager.",
    [PG_A_CLOSE] = "The real fix is to stop or reconfigure the program that listens (find "
                   "it first), or bind it to `127.0.0.1` if only local programs need it. To "
                   "block the port meanwhile: on Linux with nftables `sudo nft add rule inet "
                   "filter input {2} dport {1} drop` (needs an inet filter table with an "
                   "input chain) or with ufw `sudo ufw deny {1}/{2}`; on macOS add `block in "
                   "proto {2} from any to any port {1}` to `/etc/pf.conf` and run `sudo "
                   "pfctl -f /etc/pf.conf -e`; on Windows `netsh advfirewall firewall add "
                   "rule name=\"Block {3} {1}\" dir=in action=block protocol={3} "
                   "localport={1}`.",
    [PG_A_PORT_ZERO] = "The IANA registry lists port 0 as Reserved, and no program can "
                       "listen on it: a program that asks the operating system to bind port "
                       "0 is asking for any free port, and gets one from the ephemeral "
                       "range. So there is nothing on port 0 to look for, close or firewall "
                       "on this machine.",
    [PG_C_LISTENING] = "what is listening",
    [PG_C_CONNECTED] = "who is connected",
    [PG_C_OWNER] = "owning process",
    [PG_C_OLDER] = "older systems",
    [PG_C_UDP_BOUND] = "bound UDP sockets",
    [PG_C_ALL] = "all sockets",
    [PG_C_PIDS] = "sockets and PIDs",
    [PG_C_OWNER_PS] = "owning process (PowerShell)",
    [PG_C_UDP_PS] = "UDP endpoint (PowerShell)",
    [PG_C_REACHABLE] = "is it reachable",
    [PG_C_REACHABLE_UDP] = "is it reachable (UDP)",
    [PG_C_HERE] = "what is listening here",
    [PG_C_SCAN] = "scan a network",
    [PG_P_REMOTE] = "remote",
    [PG_W_ASSIGNED] = "assigned",
    [PG_W_UNASSIGNED] = "unassigned",
    [PG_W_RESERVED] = "reserved",
    [PG_W_NOT_IN_REGISTRY] = "not in the registry",
    [PG_W_LINUX_DEFAULT] = "Linux default",
    [PG_W_BUILTIN] = "built-in {1}",
};

static const char *const ko[PG_COUNT] = {
    [PG_Q_DANGEROUS] = "포트 {1}은(는) 위험한가요?",
    [PG_Q_WHY_OPEN] = "내 컴퓨터에서 포트 {1}이(가) 왜 열려 있을까요?",
    [PG_Q_FIND_OWNER] = "포트 {1}을(를) 연 프로그램은 어떻게 찾나요?",
    [PG_Q_CLOSE] = "포트 {1}을(를) 닫거나 방화벽으로 막으려면 어떻게 하나요?",
    [PG_Q_PORT_ZERO] = "포트 {1}에서 무언가가 열려 있을 수 있나요?",
    [PG_A_RATED] = "portlens는 포트 {1}이(가) 이 컴퓨터 밖에서 접근 가능할 때 위험도를 "
                   "{2}(으)로 평가합니다. 이유: {3}. ",
    [PG_A_NOTES_ONLY] = "다음 참고 사항 외에 portlens가 아는 구체적인 위험은 없습니다: {1}. ",
    [PG_A_NOTHING] = "portlens 지식 베이스에는 포트 {1}을(를) 위험하다고 표시한 항목이 "
                     "없습니다. ",
    [PG_A_DANGER_TAIL] = "포트의 위험은 그 포트에서 수신 대기하는 프로그램과 그 포트에 접근할 "
                         "수 있는 사람에 달려 있습니다. 그 프로그램을 찾고, 실행되어야 "
                         "하는지, 다른 호스트에서 접근 가능해야 하는지 판단하세요.",
    [PG_A_ASSIGNS] = "IANA 레지스트리는 {1}에 할당합니다. ",
    [PG_A_ASSIGN_TO] = "{1}을(를) {2}",
    [PG_A_AND] = "와 ",
    [PG_A_LIST_SEP] = "; ",
    [PG_A_UNREGISTERED] = "포트 {1}에는 등록된 서비스가 없으므로, 여기서 수신 대기하는 "
                          "프로그램은 스스로 이 포트를 고른 것입니다. ",
    [PG_A_ALSO_USED] = "실제로는 다음 용도로도 쓰입니다: {1}. ",
    [PG_A_EPHEMERAL] = "이 포트는 이 시스템의 임시 포트 범위 {1}-{2}({3})에 속하므로, "
                       "서버가 아니라 나가는 연결의 로컬 쪽 끝일 수도 있습니다. ",
    [PG_A_OWNER_TELLS] = "확실한 것은 소유 프로세스만 알려 줍니다 (다음 질문 참고).",
    [PG_A_FIND_OWNER] = "리눅스에서는 `portlens listen --port {1}` 또는 `sudo ss -tulpn "
                        "'sport = :{1}'`을(를) 실행하세요. 둘 다 프로세스 ID와 프로그램을 "
                        "보여 줍니다 (다른 사용자의 프로세스를 보려면 root 권한이 필요합니다). "
                        "macOS에서는 `sudo lsof -nP -i :{1}`을(를) 실행하세요. 윈도우에서는 "
                        "`netstat -ano | findstr :{1}`을(를) 실행한 뒤 `Get-Process -Id PID` "
                        "또는 작업 관리자에서 PID를 찾으세요.",
    [PG_A_CLOSE] = "근본적인 해결책은 수신 대기하는 프로그램을 (먼저 찾아서) 중지하거나 다시 "
                   "설정하는 것이며, 로컬 프로그램만 쓴다면 `127.0.0.1`에 바인딩하는 "
                   "것입니다. 그동안 포트를 막으려면: 리눅스의 nftables에서는 `sudo nft add "
                   "rule inet filter input {2} dport {1} drop` (input 체인이 있는 inet filter "
                   "테이블 필요), ufw에서는 `sudo ufw deny {1}/{2}`; macOS에서는 `block in "
                   "proto {2} from any to any port {1}`을(를) `/etc/pf.conf`에 추가하고 `sudo "
                   "pfctl -f /etc/pf.conf -e`을(를) 실행; 윈도우에서는 `netsh advfirewall "
                   "firewall add rule name=\"Block {3} {1}\" dir=in action=block "
                   "protocol={3} localport={1}`.",
    [PG_A_PORT_ZERO] = "IANA 레지스트리는 포트 0을 예약(Reserved)으로 기록하며, 어떤 "
                       "프로그램도 이 포트에서 수신 대기할 수 없습니다. 운영 체제에 포트 0 "
                       "바인딩을 요청하는 것은 아무 빈 포트나 달라는 뜻이며, 임시 포트 범위의 "
                       "포트 하나를 받게 됩니다. 따라서 이 컴퓨터에서 포트 0에 대해 찾거나 "
                       "닫거나 막을 것은 없습니다.",
    [PG_C_LISTENING] = "수신 대기 중인 것",
    [PG_C_CONNECTED] = "연결된 상대",
    [PG_C_OWNER] = "소유 프로세스",
    [PG_C_OLDER] = "오래된 시스템",
    [PG_C_UDP_BOUND] = "바인딩된 UDP 소켓",
    [PG_C_ALL] = "모든 소켓",
    [PG_C_PIDS] = "소켓과 PID",
    [PG_C_OWNER_PS] = "소유 프로세스 (PowerShell)",
    [PG_C_UDP_PS] = "UDP 엔드포인트 (PowerShell)",
    [PG_C_REACHABLE] = "접근 가능한지",
    [PG_C_REACHABLE_UDP] = "접근 가능한지 (UDP)",
    [PG_C_HERE] = "이 컴퓨터에서 수신 대기 중인 것",
    [PG_C_SCAN] = "네트워크 스캔",
    [PG_P_REMOTE] = "원격",
    [PG_W_ASSIGNED] = "할당됨",
    [PG_W_UNASSIGNED] = "미할당",
    [PG_W_RESERVED] = "예약됨",
    [PG_W_NOT_IN_REGISTRY] = "레지스트리에 없음",
    [PG_W_LINUX_DEFAULT] = "리눅스 기본값",
    [PG_W_BUILTIN] = "내장 {1}",
};

static const char *const ar[PG_COUNT] = {
    [PG_Q_DANGEROUS] = "هل المنفذ {1} خطير؟",
    [PG_Q_WHY_OPEN] = "لماذا قد يكون المنفذ {1} مفتوحًا على جهازي؟",
    [PG_Q_FIND_OWNER] = "كيف أعرف ما الذي فتح المنفذ {1}؟",
    [PG_Q_CLOSE] = "كيف أغلق المنفذ {1} أو أحجبه بجدار الحماية؟",
    [PG_Q_PORT_ZERO] = "هل يمكن أن يكون شيء مفتوحًا على المنفذ {1}؟",
    [PG_A_RATED] = "يقيّم portlens خطورة المنفذ {1} بأنها {2} عندما يمكن الوصول إليه من خارج "
                   "هذا الجهاز، والسبب: {3}. ",
    [PG_A_NOTES_ONLY] = "لا يعرف portlens خطرًا محددًا غير هذه الملاحظات: {1}. ",
    [PG_A_NOTHING] = "لا شيء في قاعدة معارف portlens يصف المنفذ {1} بأنه خطير. ",
    [PG_A_DANGER_TAIL] = "خطورة المنفذ من خطورة البرنامج الذي يستمع عليه ومن يستطيع الوصول إليه: "
                         "ابحث عن ذلك البرنامج، وقرر هل يجب أن يعمل، وهل يجب أن يكون الوصول "
                         "إليه ممكنًا من أجهزة أخرى.",
    [PG_A_ASSIGNS] = "يخصص سجل IANA {1}. ",
    [PG_A_ASSIGN_TO] = "{1} لـ {2}",
    [PG_A_AND] = " و",
    [PG_A_LIST_SEP] = "؛ ",
    [PG_A_UNREGISTERED] = "لا توجد خدمة مسجلة للمنفذ {1}، لذا فالبرنامج الذي يستمع عليه "
                          "اختاره بنفسه. ",
    [PG_A_ALSO_USED] = "ويُستخدم عمليًا أيضًا في: {1}. ",
    [PG_A_EPHEMERAL] = "يقع ضمن النطاق المؤقت لهذا النظام {1}-{2} ({3})، لذا قد يكون مجرد "
                       "الطرف المحلي لاتصال صادر لا خادمًا. ",
    [PG_A_OWNER_TELLS] = "العملية المالكة وحدها تعطي الجواب اليقين (السؤال التالي).",
    [PG_A_FIND_OWNER] = "على لينكس شغّل `portlens listen --port {1}` أو `sudo ss -tulpn "
                        "'sport = :{1}'`: كلاهما يعرض رقم العملية والبرنامج (يلزم الجذر لرؤية "
                        "عمليات المستخدمين الآخرين). على macOS شغّل `sudo lsof -nP -i :{1}`. "
                        "على ويندوز شغّل `netstat -ano | findstr :{1}` ثم ابحث عن رقم العملية "
                        "بالأمر `Get-Process -Id PID` أو في مدير المهام.",
    [PG_A_CLOSE] = "الحل الحقيقي هو إيقاف البرنامج الذي يستمع أو إعادة ضبطه (ابحث عنه أولًا)، "
                   "أو ربطه بالعنوان `127.0.0.1` إن كانت البرامج المحلية وحدها تحتاجه. لحجب "
                   "المنفذ في الأثناء: على لينكس مع nftables `sudo nft add rule inet filter "
                   "input {2} dport {1} drop` (يتطلب جدول inet filter فيه سلسلة input) أو مع "
                   "ufw `sudo ufw deny {1}/{2}`؛ على macOS أضف `block in proto {2} from any to "
                   "any port {1}` إلى `/etc/pf.conf` ثم شغّل `sudo pfctl -f /etc/pf.conf -e`؛ "
                   "على ويندوز `netsh advfirewall firewall add rule name=\"Block {3} {1}\" "
                   "dir=in action=block protocol={3} localport={1}`.",
    [PG_A_PORT_ZERO] = "يسجل سجل IANA المنفذ 0 على أنه محجوز، ولا يمكن لأي برنامج أن يستمع "
                       "عليه: البرنامج الذي يطلب من نظام التشغيل ربط المنفذ 0 يطلب أي منفذ "
                       "شاغر، فيحصل على منفذ من النطاق المؤقت. لذا لا يوجد على المنفذ 0 ما "
                       "يُبحث عنه أو يُغلق أو يُحجب على هذا الجهاز.",
    [PG_C_LISTENING] = "ما الذي يستمع",
    [PG_C_CONNECTED] = "من المتصل",
    [PG_C_OWNER] = "العملية المالكة",
    [PG_C_OLDER] = "الأنظمة الأقدم",
    [PG_C_UDP_BOUND] = "مقابس UDP المربوطة",
    [PG_C_ALL] = "كل المقابس",
    [PG_C_PIDS] = "المقابس وأرقام العمليات",
    [PG_C_OWNER_PS] = "العملية المالكة (PowerShell)",
    [PG_C_UDP_PS] = "نقطة نهاية UDP (PowerShell)",
    [PG_C_REACHABLE] = "هل يمكن الوصول إليه",
    [PG_C_REACHABLE_UDP] = "هل يمكن الوصول إليه (UDP)",
    [PG_C_HERE] = "ما الذي يستمع هنا",
    [PG_C_SCAN] = "فحص شبكة",
    [PG_P_REMOTE] = "عن بُعد",
    [PG_W_ASSIGNED] = "مخصص",
    [PG_W_UNASSIGNED] = "غير مخصص",
    [PG_W_RESERVED] = "محجوز",
    [PG_W_NOT_IN_REGISTRY] = "غير موجود في السجل",
    [PG_W_LINUX_DEFAULT] = "القيمة الافتراضية في لينكس",
    [PG_W_BUILTIN] = "النسخة المدمجة من \u2066{1}\u2069",
};

static const char *const tr[PG_COUNT] = {
    [PG_Q_DANGEROUS] = "{1} numaralı port tehlikeli mi?",
    [PG_Q_WHY_OPEN] = "{1} numaralı port bilgisayarımda neden açık olabilir?",
    [PG_Q_FIND_OWNER] = "{1} numaralı portu neyin açtığını nasıl bulurum?",
    [PG_Q_CLOSE] = "{1} numaralı portu nasıl kapatır ya da güvenlik duvarıyla engellerim?",
    [PG_Q_PORT_ZERO] = "{1} numaralı portta açık bir şey olabilir mi?",
    [PG_A_RATED] = "portlens, {1} numaralı portu bu makinenin dışından erişilebildiğinde {2} "
                   "riskli sayar, çünkü: {3}. ",
    [PG_A_NOTES_ONLY] = "portlens bu notların ötesinde belirli bir tehlike bilmiyor: {1}. ",
    [PG_A_NOTHING] = "portlens bilgi tabanında {1} numaralı portu riskli gösteren bir kayıt "
                     "yok. ",
    [PG_A_DANGER_TAIL] = "Bir port, üzerinde dinleyen program ve ona kimin ulaşabildiği kadar "
                         "tehlikelidir: o programı bulun, çalışması gerekip gerekmediğine ve "
                         "başka makinelerden erişilebilir olması gerekip gerekmediğine karar "
                         "verin.",
    [PG_A_ASSIGNS] = "IANA kaydı {1} olarak atar. ",
    [PG_A_ASSIGN_TO] = "{1} portunu {2}",
    [PG_A_AND] = " ve ",
    [PG_A_LIST_SEP] = "; ",
    [PG_A_UNREGISTERED] = "{1} numaralı port için kayıtlı bir servis yok; orada dinleyen "
                          "program bu portu kendisi seçmiş. ",
    [PG_A_ALSO_USED] = "Uygulamada şunlar için de kullanılır: {1}. ",
    [PG_A_EPHEMERAL] = "Bu sistemin geçici port aralığı {1}-{2} ({3}) içinde kalır; yani bir "
                       "sunucu değil, yalnızca giden bir bağlantının yerel ucu olabilir. ",
    [PG_A_OWNER_TELLS] = "Kesin yanıtı yalnızca sahibi olan süreç verir (sonraki soru).",
    [PG_A_FIND_OWNER] = "Linux'ta `portlens listen --port {1}` ya da `sudo ss -tulpn 'sport "
                        "= :{1}'` çalıştırın: ikisi de süreç numarasını ve programı gösterir "
                        "(başka kullanıcıların süreçlerini görmek için root gerekir). macOS'ta "
                        "`sudo lsof -nP -i :{1}` çalıştırın. Windows'ta `netstat -ano | findstr "
                        ":{1}` çalıştırıp PID'i `Get-Process -Id PID` ile ya da Görev "
                        "Yöneticisi'nde arayın.",
    [PG_A_CLOSE] = "Asıl çözüm, dinleyen programı (önce onu bulup) durdurmak ya da yeniden "
                   "yapılandırmak, yalnızca yerel programlar kullanıyorsa `127.0.0.1` adresine "
                   "bağlamaktır. O zamana kadar portu engellemek için: Linux'ta nftables ile "
                   "`sudo nft add rule inet filter input {2} dport {1} drop` (input zinciri "
                   "olan bir inet filter tablosu gerekir) ya da ufw ile `sudo ufw deny "
                   "{1}/{2}`; macOS'ta `/etc/pf.conf` dosyasına `block in proto {2} from any "
                   "to any port {1}` ekleyip `sudo pfctl -f /etc/pf.conf -e` çalıştırın; "
                   "Windows'ta `netsh advfirewall firewall add rule name=\"Block {3} {1}\" "
                   "dir=in action=block protocol={3} localport={1}`.",
    [PG_A_PORT_ZERO] = "IANA kaydı 0 numaralı portu Ayrılmış (Reserved) olarak listeler ve hiçbir "
                       "program onu dinleyemez: işletim sisteminden 0 numaralı portu bağlamasını "
                       "isteyen program herhangi bir boş port istemiş olur ve geçici aralıktan "
                       "bir port alır. Bu yüzden bu makinede 0 numaralı portta aranacak, "
                       "kapatılacak ya da engellenecek bir şey yoktur.",
    [PG_C_LISTENING] = "ne dinliyor",
    [PG_C_CONNECTED] = "kim bağlı",
    [PG_C_OWNER] = "sahibi olan süreç",
    [PG_C_OLDER] = "eski sistemler",
    [PG_C_UDP_BOUND] = "bağlı UDP soketleri",
    [PG_C_ALL] = "tüm soketler",
    [PG_C_PIDS] = "soketler ve PID'ler",
    [PG_C_OWNER_PS] = "sahibi olan süreç (PowerShell)",
    [PG_C_UDP_PS] = "UDP uç noktası (PowerShell)",
    [PG_C_REACHABLE] = "erişilebilir mi",
    [PG_C_REACHABLE_UDP] = "erişilebilir mi (UDP)",
    [PG_C_HERE] = "burada ne dinliyor",
    [PG_C_SCAN] = "bir ağı tara",
    [PG_P_REMOTE] = "uzaktan",
    [PG_W_ASSIGNED] = "atanmış",
    [PG_W_UNASSIGNED] = "atanmamış",
    [PG_W_RESERVED] = "ayrılmış",
    [PG_W_NOT_IN_REGISTRY] = "kayıtta yok",
    [PG_W_LINUX_DEFAULT] = "Linux varsayılanı",
    [PG_W_BUILTIN] = "yerleşik {1}",
};

static const char *const *const tables[PL_LANG_COUNT] = {
    [PL_LANG_EN] = en, [PL_LANG_KO] = ko, [PL_LANG_AR] = ar, [PL_LANG_TR] = tr};

const char *
pli_page_text(enum pli_page_text id, enum pl_lang lang)
{
	const char *s = NULL;

	if ((unsigned)id >= PG_COUNT)
		return "";
	if ((unsigned)lang < PL_LANG_COUNT)
		s = tables[lang][id];
	return s ? s : en[id] ? en[id] : "";
}

void
pl_page_fill(struct pl_buf *b, const char *tmpl, const char *const *args, size_t n_args)
{
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}') {
			size_t i = (size_t)(p[1] - '1');

			if (i < n_args && args[i])
				pli_buf_puts(b, args[i]);
			p += 2;
			continue;
		}
		pli_buf_putc(b, *p);
	}
}

int
pli_page_text_complete(enum pl_lang lang)
{
	if ((unsigned)lang >= PL_LANG_COUNT)
		return 0;
	for (int i = 0; i < PG_COUNT; i++)
		if (!tables[lang][i] || !*tables[lang][i])
			return 0;
	return 1;
}

void
pl_page_isolate_code(struct pl_buf *b, const char *text, int rtl)
{
	const char *p = text;

	if (!rtl) {
		pli_buf_puts(b, text);
		return;
	}
	while (*p) {
		const char *open = strchr(p, '`'), *close = open ? strchr(open + 1, '`') : NULL;

		if (!close) {
			pli_buf_puts(b, p);
			return;
		}
		pli_buf_append(b, p, (size_t)(open - p));
		pli_buf_puts(b, "\xe2\x81\xa6"); /* U+2066 LRI */
		pli_buf_append(b, open + 1, (size_t)(close - open - 1));
		pli_buf_puts(b, "\xe2\x81\xa9"); /* U+2069 PDI */
		p = close + 1;
	}
}

/* Does the UTF-8 character at s start a right-to-left letter (Hebrew, Arabic, Syriac,
 * Thaana and their presentation forms)? *len: its length in bytes. */
static int
rtl_char(const unsigned char *s, size_t *len)
{
	uint32_t cp;

	if (s[0] < 0xC0) {
		*len = 1;
		return 0;
	}
	if (s[0] < 0xE0 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3Fu);
	} else if (s[0] < 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*len = 3;
		cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		     (s[2] & 0x3Fu);
	} else {
		*len = 1; /* four-byte characters are never right-to-left letters here */
		return 0;
	}
	return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* Sentence punctuation and brackets that belong to the surrounding text, not to the
 * left-to-right run they touch: they stay outside the isolate (and mirror as they
 * should). Arabic comma, semicolon and question mark are two bytes each. */
static size_t
lead_punct(const char *w, size_t n)
{
	size_t i = 0;

	for (;;) {
		if (i < n && w[i] && strchr("([{\"'", w[i]))
			i++;
		else if (i + 2 < n && (unsigned char)w[i] == 0xE2 &&
		         (unsigned char)w[i + 1] == 0x80 &&
		         ((unsigned char)w[i + 2] == 0x8E || (unsigned char)w[i + 2] == 0x8F))
			i += 3; /* U+200E/U+200F, the marks translators put before a bracket */
		else
			return i;
	}
}

static size_t
trail_punct(const char *w, size_t n)
{
	size_t i = n;

	for (;;) {
		if (i > 0 && strchr(")]}\"'.,;:!?", w[i - 1]) && w[i - 1])
			i--;
		else if (i > 1 && (unsigned char)w[i - 2] == 0xD8 &&
		         ((unsigned char)w[i - 1] == 0x8C || (unsigned char)w[i - 1] == 0x9B))
			i -= 2; /* U+060C ARABIC COMMA, U+061B ARABIC SEMICOLON */
		else if (i > 1 && (unsigned char)w[i - 2] == 0xD8 &&
		         (unsigned char)w[i - 1] == 0x9F)
			i -= 2; /* U+061F ARABIC QUESTION MARK */
		else
			return n - i;
	}
}

static int
has_rtl(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len;

		if (rtl_char((const unsigned char *)s + i, &len) && i + len <= n)
			return 1;
		i += len;
	}
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
pl_page_isolate_ltr(struct pl_buf *b, const char *text, int rtl)
{
	const char *p = text;
	int open = 0;

	if (!rtl) {
		pli_buf_puts(b, text);
		return;
	}
	while (*p) {
		const char *w = p, *next;
		size_t n, lead, trail;

		while (*p && !is_blank(*p))
			p++;
		n = (size_t)(p - w);
		lead = lead_punct(w, n);
		trail = lead < n ? trail_punct(w + lead, n - lead) : 0;
		if (lead < n && lead + trail < n && !has_rtl(w + lead, n - lead - trail)) {
			/* A left-to-right word: it opens a run or continues the open one. */
			if (open && lead) {
				pli_buf_puts(b, "\xe2\x81\xa9"); /* U+2069 PDI */
				open = 0;
			}
			pli_buf_append(b, w, lead);
			if (!open)
				pli_buf_puts(b, "\xe2\x81\xa6"); /* U+2066 LRI */
			pli_buf_append(b, w + lead, n - lead - trail);
			open = 1;
			if (trail) {
				pli_buf_puts(b, "\xe2\x81\xa9");
				open = 0;
				pli_buf_append(b, w + n - trail, trail);
			}
		} else {
			if (open)
				pli_buf_puts(b, "\xe2\x81\xa9");
			open = 0;
			pli_buf_append(b, w, n);
		}
		/* Blanks join the run only when another left-to-right word follows. */
		for (next = p; is_blank(*next);)
			next++;
		if (open && next > p) {
			const char *q = next;
			size_t m, l2, t2;

			while (*q && !is_blank(*q))
				q++;
			m = (size_t)(q - next);
			l2 = lead_punct(next, m);
			t2 = l2 < m ? trail_punct(next + l2, m - l2) : 0;
			if (!*next || l2 || l2 + t2 >= m || has_rtl(next + l2, m - l2 - t2)) {
				pli_buf_puts(b, "\xe2\x81\xa9");
				open = 0;
			}
		}
		pli_buf_append(b, p, (size_t)(next - p));
		p = next;
	}
	if (open)
		pli_buf_puts(b, "\xe2\x81\xa9");
}
