"""The first version of the privacy & cookies policy (the outlet edits it in the admin as a new version), and
moderators' right to read the consent log."""

from django.db import migrations
from django.utils import timezone

from articles.roles import create_groups, create_permissions_now, remove_grants

GRANTS = {"moderator": {"consent": ["view_consentrecord", "view_policyversion"]}}

TITLE_AR = "سياسة الخصوصية وملفات تعريف الارتباط"
TITLE_EN = "Privacy and cookies policy"
BODY_AR = """<p>نكتب هذه السياسة بلغة واضحة لأن قرّاءنا يستحقون أن يعرفوا ما نعرفه عنهم. نحن مؤسسة إخبارية مستقلة، \
ولا نبيع بيانات أحد ولا نعرضها على المعلنين.</p>
<h2>ما الذي نجمعه</h2>
<ul>
<li>حين تقرأ: لا شيء يخصك، إلا ما تسمح به أنت في إعدادات ملفات تعريف الارتباط.</li>
<li>حين تعلّق: الاسم والبريد الإلكتروني وعنوان الشبكة واسم المتصفح، بموافقتك الصريحة، وللمدد المذكورة أدناه.</li>
<li>حين تطلب نسخة من بياناتك أو محوها: عنوان بريدك لإرسال رابط التأكيد، ثم بصمة مشفّرة منه في سجل الطلبات.</li>
</ul>
<h2>حقوقك</h2>
<p>لك أن تطلب نسخة من بياناتك أو محوها في أي وقت من صفحة «تعليقاتك وبياناتك»، وأن تسحب موافقتك على ملفات \
تعريف الارتباط بنقرة واحدة من رابط «إعدادات ملفات تعريف الارتباط» في أسفل كل صفحة، ولك أن تشكونا إلى سلطة \
حماية البيانات في بلدك.</p>"""
BODY_EN = """<p>We write this policy in plain words because our readers deserve to know what we know about them. \
We are an independent news outlet: we sell no one's data and show it to no advertiser.</p>
<h2>What we collect</h2>
<ul>
<li>When you read: nothing about you, except what you allow in the cookie settings.</li>
<li>When you comment: your name, e-mail address, network address and browser name, with your explicit consent, \
for the periods given below.</li>
<li>When you ask for a copy of your data or its erasure: your e-mail address, to send the confirmation link, \
then a keyed hash of it in the log of requests.</li>
</ul>
<h2>Your rights</h2>
<p>You may ask for a copy of your data or its erasure at any time from the "Your comments and your data" page, \
withdraw your cookie consent in one click from the "Cookie settings" link at the foot of every page, and complain \
about us to the data-protection authority of your country.</p>"""


def create_first_policy(apps, schema_editor):
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            number=1,
            title=TITLE_AR,
            title_ar=TITLE_AR,
            title_en=TITLE_EN,
            body=BODY_AR,
            body_ar=BODY_AR,
            body_en=BODY_EN,
            effective_at=timezone.now(),
        )


def delete_first_policy(apps, schema_editor):
    apps.get_model("consent", "PolicyVersion").objects.filter(number=1, consents=None).delete()


def grant(apps, schema_editor):
    create_permissions_now(apps)
    create_groups(apps, GRANTS)


def revoke(apps, schema_editor):
    remove_grants(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
        ("comments", "0005_privacy_requests"),
    ]

    operations = [
        migrations.RunPython(create_first_policy, delete_first_policy),
        migrations.RunPython(grant, revoke),
    ]
