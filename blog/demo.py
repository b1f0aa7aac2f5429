"""Demo content for the blog: the clinic's conditions and a few articles, all our own writing.

Idempotent like clinic_site.demo: found by slug, saved only when something differs, so a second run
changes nothing (not even an article's "updated" date).

Conditions are given in English and Spanish (their ``_en`` and ``_es`` columns, django-modeltranslation).
Articles are not translated field by field: the Spanish myofascial article is an article of its own,
linked to the English one by ``translation_of``.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from clinic_site.demo import sync
from clinic_site.demo_art import Palette, cover
from clinic_site.models import Clinician
from clinic_site.practice import current as current_practice

from .models import Article, Condition, Reference
from .sanitize import sanitize_html

MYOFASCIAL_SLUG = "myofascial-release-explained"

# (slug, English name, English description, Spanish name, Spanish description)
CONDITIONS = [
    (
        "back-pain",
        "Back pain",
        "Aching or sharp pain anywhere from the ribs to the hips, new or long-standing.",
        "Dolor lumbar",
        "Dolor sordo o punzante en la espalda, entre las costillas y las caderas, reciente o de hace tiempo.",
    ),
    (
        "headaches",
        "Headaches",
        "Tension-type headaches and headaches that start in the neck and shoulders.",
        "Dolores de cabeza",
        "Cefaleas tensionales y dolores de cabeza que empiezan en el cuello y los hombros.",
    ),
    (
        "whiplash",
        "Whiplash",
        "Neck strain after a sudden jolt, such as a car accident or a fall.",
        "Latigazo cervical",
        "Lesión del cuello después de una sacudida brusca, como en un accidente de auto o una caída.",
    ),
    (
        "neck-pain",
        "Neck pain",
        "Stiffness or pain in the neck, often with tight shoulders or pain into the arm.",
        "Dolor de cuello",
        "Rigidez o dolor en el cuello, a menudo con tensión en los hombros o dolor que baja al brazo.",
    ),
    (
        "sports-injuries",
        "Sports injuries",
        "Sprains, strains and overuse injuries, and the return to play.",
        "Lesiones deportivas",
        "Esguinces, distensiones y lesiones por sobreuso, y el regreso al deporte.",
    ),
    (
        "chronic-pain",
        "Chronic pain",
        "Pain that has lasted longer than three months and limits daily life.",
        "Dolor crónico",
        "Dolor que dura más de tres meses y limita la vida diaria.",
    ),
    (
        "disc-problems",
        "Disc problems",
        "Bulging or herniated discs in the neck or lower back.",
        "Problemas de disco",
        "Discos abultados o herniados en el cuello o en la parte baja de la espalda.",
    ),
    (
        "migraines",
        "Migraines",
        "Recurring headaches where neck tension or posture is one of the triggers.",
        "Migrañas",
        "Dolores de cabeza que se repiten y que se desencadenan, entre otras cosas, por la tensión del "
        "cuello o la postura.",
    ),
    (
        "fibromyalgia",
        "Fibromyalgia",
        "Widespread pain and tenderness, with fatigue and poor sleep.",
        "Fibromialgia",
        "Dolor y sensibilidad en todo el cuerpo, con cansancio y un sueño poco reparador.",
    ),
    (
        "carpal-tunnel",
        "Carpal tunnel",
        "Numbness, tingling or weakness in the hand from a squeezed nerve.",
        "Síndrome del túnel carpiano",
        "Adormecimiento, hormigueo o debilidad en la mano porque un nervio está comprimido.",
    ),
    (
        "jaw-pain-tmj",
        "Jaw pain (TMJ)",
        "Pain, clicking or locking of the jaw joint, often with headaches.",
        "Dolor de mandíbula (ATM)",
        "Dolor, chasquidos o bloqueo de la articulación de la mandíbula, a menudo con dolores de cabeza.",
    ),
    (
        "painful-scars",
        "Painful scars",
        "Scars after surgery or injury that are tight, tender or restrict movement.",
        "Cicatrices dolorosas",
        "Cicatrices de una cirugía o una lesión que se sienten tirantes o sensibles, o que limitan el "
        "movimiento.",
    ),
    (
        "sciatica",
        "Sciatica",
        "Pain, tingling or numbness running from the lower back down the leg.",
        "Ciática",
        "Dolor, hormigueo o adormecimiento que baja desde la parte baja de la espalda por la pierna.",
    ),
]

MYOFASCIAL_BODY = """
<p>Fascia is the thin, tough web of connective tissue that wraps every muscle, bone and organ. When it is
healthy it glides. After an injury, an operation, months of sitting or a long stretch of stress, it can
stiffen and pull on the structures around it, and the pain is often felt somewhere other than where the
restriction is.</p>
<h2>What happens in a session</h2>
<p>Myofascial release is a hands-on technique. Your therapist finds areas that feel tight or thickened and
applies gentle, sustained pressure, usually for one to five minutes at a time, waiting for the tissue to
soften before moving on. There is no oil and no fast rubbing: the pressure is slow so that the tissue can
respond instead of guarding against it.</p>
<ul>
<li>Most people feel a deep stretch or a mild ache, never sharp pain. Tell us at once if it feels sharp.</li>
<li>You may feel the release far from where our hands are, because fascia is continuous.</li>
<li>A session is usually combined with exercises, so the new range of motion is used and kept.</li>
</ul>
<h2>Conditions that may benefit</h2>
<p>In our clinics we use myofascial release as one part of a treatment plan for:</p>
<ul>
<li>back pain</li>
<li>headaches</li>
<li>whiplash</li>
<li>neck pain</li>
<li>sports injuries</li>
<li>chronic pain</li>
<li>disc problems</li>
<li>migraines</li>
<li>fibromyalgia</li>
<li>carpal tunnel</li>
<li>jaw pain (TMJ)</li>
<li>painful scars</li>
<li>sciatica</li>
</ul>
<p>It is not for everyone. We do not use it over an open wound, an active infection, a recent fracture or a
suspected blood clot, and we adapt it for people who bruise easily or take blood thinners.</p>
<h2>After your visit</h2>
<p>Drink some water, take a short walk and do the two or three exercises you were given the same day. Some
soreness the next day is normal and fades within a day or two. Most people need a few sessions before the
change lasts, which is why we check your progress at every visit and adjust the plan.</p>
<h3>When to ask us first</h3>
<p>If your pain started after a fall or an accident, wakes you at night, or comes with numbness, weakness or
changes in bladder or bowel control, ask us before booking so we can make sure this is the right care.</p>
"""

MYOFASCIAL_ES_SLUG = "liberacion-miofascial-explicada"

# The Spanish translation of MYOFASCIAL_BODY, paragraph for paragraph.
MYOFASCIAL_BODY_ES = """
<p>La fascia es una red fina y resistente de tejido conectivo que envuelve cada músculo, hueso y órgano.
Cuando está sana, se desliza. Después de una lesión, una operación, meses de vida sedentaria o una larga
temporada de estrés, puede ponerse rígida y tirar de las estructuras que la rodean, y muchas veces el dolor
se siente en un lugar distinto de donde está la restricción.</p>
<h2>Qué pasa en una sesión</h2>
<p>La liberación miofascial es una técnica manual. Su terapeuta busca las zonas que se sienten tensas o
engrosadas y aplica una presión suave y sostenida, por lo general de uno a cinco minutos cada vez, y espera
a que el tejido se afloje antes de seguir. No se usa aceite ni se frota rápido: la presión es lenta para
que el tejido pueda responder en lugar de tensarse para protegerse.</p>
<ul>
<li>La mayoría de las personas siente un estiramiento profundo o una molestia leve, nunca un dolor agudo.
Avísenos enseguida si siente un dolor agudo.</li>
<li>Puede que sienta la liberación lejos de donde están nuestras manos, porque la fascia es continua.</li>
<li>Por lo general, la sesión se combina con ejercicios, para que usted use el nuevo rango de movimiento y
no lo pierda.</li>
</ul>
<h2>Afecciones en las que puede ayudar</h2>
<p>En nuestras clínicas usamos la liberación miofascial como una parte del plan de tratamiento para:</p>
<ul>
<li>dolor lumbar</li>
<li>dolores de cabeza</li>
<li>latigazo cervical</li>
<li>dolor de cuello</li>
<li>lesiones deportivas</li>
<li>dolor crónico</li>
<li>problemas de disco</li>
<li>migrañas</li>
<li>fibromialgia</li>
<li>síndrome del túnel carpiano</li>
<li>dolor de mandíbula (ATM)</li>
<li>cicatrices dolorosas</li>
<li>ciática</li>
</ul>
<p>No es para todos. No la usamos sobre una herida abierta, una infección activa, una fractura reciente ni
donde se sospeche un coágulo de sangre, y la adaptamos para las personas a las que les salen moretones con
facilidad o que toman anticoagulantes.</p>
<h2>Después de su cita</h2>
<p>Tome un poco de agua, dé una caminata corta y haga ese mismo día los dos o tres ejercicios que le dimos.
Es normal sentir algo de dolor muscular al día siguiente, y se quita en uno o dos días. La mayoría de las
personas necesita algunas sesiones para que el cambio dure; por eso revisamos su progreso en cada visita y
ajustamos el plan.</p>
<h3>Cuándo consultarnos primero</h3>
<p>Si su dolor empezó después de una caída o un accidente, si se despierta de noche por el dolor, o si el
dolor viene con adormecimiento, debilidad o cambios en el control de la vejiga o de los intestinos,
consúltenos antes de hacer una cita para asegurarnos de que este es el tratamiento adecuado para usted.</p>
"""

DESK_NECK_BODY = """
<p>Most neck pain at work does not come from one bad posture but from holding any posture for too long.
The fix is less about finding the perfect chair and more about moving more often.</p>
<h2>Set up the screen, then forget it</h2>
<ol>
<li>Put the top of the screen at eye level, an arm's length away.</li>
<li>Raise a laptop on a stand or a stack of books and use a separate keyboard.</li>
<li>Keep the things you reach for every hour within easy reach.</li>
</ol>
<h2>Three movements for every hour</h2>
<ul>
<li><strong>Chin nods:</strong> slowly nod as if saying yes, ten times, keeping the movement small.</li>
<li><strong>Shoulder rolls:</strong> roll both shoulders back and down five times.</li>
<li><strong>Look away:</strong> turn your head to look over each shoulder, holding for a breath.</li>
</ul>
<h2>When it is more than stiffness</h2>
<p>Headaches that start at the base of the skull, pain running into the arm, or tingling in the fingers
are worth a proper assessment. A few visits can find what is driving them and give you a plan you can
follow at your desk.</p>
"""

SCIATICA_BODY = """
<p>Sciatica is not a diagnosis in itself: it describes pain that follows the sciatic nerve from the lower
back through the buttock and down the leg. Something is irritating the nerve on its way, and finding out
what is the first job of your physical therapist.</p>
<h2>Common causes</h2>
<ul>
<li>a disc in the lower back that bulges and presses on a nerve root;</li>
<li>narrowing of the spaces the nerves pass through, more common after fifty;</li>
<li>tight or irritated muscles deep in the buttock.</li>
</ul>
<h2>What usually helps</h2>
<p>Most episodes settle within six to twelve weeks with the right mix of activity and rest. Bed rest
tends to slow recovery; short walks several times a day, positions that ease the leg pain, and gentle
nerve and core exercises usually speed it up.</p>
<h3>Signs that need a doctor the same day</h3>
<p>Numbness around the groin, new trouble controlling your bladder or bowels, or weakness that makes your
foot drag are rare but urgent. Call your doctor or go to an emergency department.</p>
"""

SCAR_BODY = """
<p>A scar is the body's patch after surgery or an injury. Left alone it can become tight and tender and
limit how a joint moves. Gentle work on the scar, once it has closed, helps it stay soft and mobile.</p>
<h2>When to start</h2>
<p>Only once the wound has fully closed and your surgeon agrees, usually a few weeks after the operation.</p>
"""


def articles_data(clinicians: dict[str, Clinician]) -> list[dict]:
    """The demo articles, each original before its translations. A translation's dict carries its
    ``language`` and, in ``translation_of``, the slug of the original; the others are in English."""
    clinic = current_practice().name
    myofascial = {
        "slug": MYOFASCIAL_SLUG,
        "title": "Myofascial release, explained",
        "summary": (
            f"What the hands-on technique we use at {clinic} actually does, what a session feels like, "
            "and which conditions it may help."
        ),
        "body": MYOFASCIAL_BODY,
        "author": clinicians["maya-okafor"],
        "co_author": clinicians["daniel-reyes"],
        "status": Article.Status.PUBLISHED,
        "days_ago": 3,
        "conditions": [slug for slug, *_names in CONDITIONS],
        "cover_alt": "Pale threads weaving across a teal sky above rolling hills, like a web of fascia.",
        "art": ("fascia", Palette(deep="#1f5f7a", light="#bfe6dd", accent="#2f8f83", warm="#f4c47a")),
        "review": ("priya-raman", 5, 12),
        "references": [
            (
                "Effectiveness of myofascial release: systematic review of randomized controlled trials",
                "Journal of Bodywork and Movement Therapies",
                2015,
                "",
                "",
            ),
            (
                "Chronic pain (primary and secondary) in over 16s: assessment of all chronic pain and "
                "management of chronic primary pain",
                "NICE guideline NG193",
                2021,
                "https://www.nice.org.uk/guidance/ng193",
                "",
            ),
        ],
    }
    return [
        myofascial,
        {
            **myofascial,
            "slug": MYOFASCIAL_ES_SLUG,
            "language": "es",
            "translation_of": MYOFASCIAL_SLUG,
            "title": "La liberación miofascial, explicada",
            "summary": (
                f"Qué hace en realidad la técnica manual que usamos en {clinic}, cómo se siente una sesión "
                "y en qué afecciones puede ayudar."
            ),
            "body": MYOFASCIAL_BODY_ES,
            "cover_alt": (
                "Hilos pálidos que se entrelazan en un cielo verde azulado sobre colinas onduladas, como "
                "una red de fascia."
            ),
            # Same author, co-author, review, conditions, cover and references (cited as published).
        },
        {
            "slug": "neck-pain-at-the-desk",
            "title": "Neck pain at the desk: small changes that add up",
            "summary": "How to set up your screen once and the three movements worth doing every hour.",
            "body": DESK_NECK_BODY,
            "author": clinicians["daniel-reyes"],
            "co_author": None,
            "status": Article.Status.PUBLISHED,
            "days_ago": 10,
            "conditions": ["neck-pain", "headaches", "migraines"],
            "cover_alt": "Rounded cream blocks stacked like vertebrae, beside the outline of a screen.",
            "art": ("spine", Palette(deep="#2d4f73", light="#f3e3c8", accent="#3f7f8c", warm="#f08a5d")),
            "review": ("maya-okafor", 9, 12),
            "references": [
                (
                    "Neck Pain: Revision 2017. Clinical Practice Guidelines Linked to the International "
                    "Classification of Functioning, Disability and Health",
                    "Journal of Orthopaedic & Sports Physical Therapy",
                    2017,
                    "",
                    "10.2519/jospt.2017.0302",
                ),
            ],
        },
        {
            "slug": "sciatica-why-your-leg-hurts",
            "title": "Sciatica: why your leg hurts when the problem is in your back",
            "summary": (
                "Where sciatic pain comes from, what helps it settle, and the signs that need a doctor."
            ),
            "body": SCIATICA_BODY,
            "author": clinicians["maya-okafor"],
            "co_author": None,
            "status": Article.Status.PUBLISHED,
            "days_ago": 170,
            "conditions": ["sciatica", "back-pain", "disc-problems"],
            "cover_alt": "A bright yellow line running down and branching over green hills, like a nerve.",
            "art": ("nerve", Palette(deep="#26463f", light="#e8e5b0", accent="#4c7a5e", warm="#ffd166")),
            # Reviewed before it went out, on a six-month cycle: the demo's one overdue review.
            "review": ("priya-raman", 200, 6),
            "references": [
                (
                    "Low back pain and sciatica in over 16s: assessment and management",
                    "NICE guideline NG59",
                    2016,
                    "https://www.nice.org.uk/guidance/ng59",
                    "",
                ),
                (
                    "Interventions for the Management of Acute and Chronic Low Back Pain: Revision 2021",
                    "Journal of Orthopaedic & Sports Physical Therapy",
                    2021,
                    "",
                    "10.2519/jospt.2021.0304",
                ),
            ],
        },
        {
            "slug": "caring-for-a-scar-after-surgery",
            "title": "Caring for a scar after surgery",
            "summary": "When and how to start working on a scar so it stays soft and mobile.",
            "body": SCAR_BODY,
            "author": clinicians["grace-lindqvist"],
            "co_author": None,
            "status": Article.Status.DRAFT,
            "days_ago": 0,
            "conditions": ["painful-scars"],
            "cover_alt": "A soft cream curve closed by small stitches, over warm rose-coloured hills.",
            "art": ("scar", Palette(deep="#7a3e48", light="#f7d9c9", accent="#b2675e", warm="#ffe3a3")),
            "review": None,
            "references": [
                (
                    "Updated scar management practical guidelines: non-invasive and invasive measures",
                    "Journal of Plastic, Reconstructive & Aesthetic Surgery",
                    2014,
                    "",
                    "",
                ),
            ],
        },
    ]


def seed_conditions() -> dict[str, Condition]:
    conditions = {}
    for order, (slug, name_en, description_en, name_es, description_es) in enumerate(CONDITIONS, start=1):
        conditions[slug], _, _ = sync(
            Condition,
            {"slug": slug},
            {
                "name_en": name_en,
                "description_en": description_en,
                "name_es": name_es,
                "description_es": description_es,
                "order": order,
            },
        )
    return conditions


def cover_image(slug: str, art: tuple[str, Palette]) -> str:
    """The article's illustration (clinic_site.demo_art), drawn once and kept under covers/demo/."""
    name = f"covers/demo/{slug}-illustrated.jpg"
    if default_storage.exists(name):
        return name
    motif, palette = art
    return default_storage.save(name, ContentFile(cover(motif, palette, slug)))


def seed_review(article: Article, review, clinicians: dict[str, Clinician]) -> None:
    """Give an article its clinical review once; a later run keeps the date it was given."""
    if review is None or article.reviewer_id is not None:
        return
    reviewer_slug, days_ago, interval = review
    article.reviewer = clinicians[reviewer_slug]
    article.reviewed_on = timezone.localdate() - timedelta(days=days_ago)
    article.review_interval_months = interval
    article.save()


def seed_references(article: Article, references: list[tuple]) -> None:
    for order, (title, source, year, url, doi) in enumerate(references, start=1):
        sync(
            Reference,
            {"article": article, "order": order},
            {"title": title, "source": source, "year": year, "url": url, "doi": doi},
        )
    article.references.filter(order__gt=len(references)).delete()


def seed_articles(clinicians: dict[str, Clinician], conditions: dict[str, Condition]) -> list[Article]:
    articles = {}
    for data in articles_data(clinicians):
        values = dict(data)
        slug = values.pop("slug")
        # A translation names its original by slug: seeded earlier in this run, and sharing its cover.
        original = articles[values["translation_of"]] if values.get("translation_of") else None
        values["translation_of"] = original
        values.setdefault("language", settings.LANGUAGE_CODE)
        tagged = [conditions[s] for s in values.pop("conditions")]
        days_ago = values.pop("days_ago")
        art = values.pop("art")
        review = values.pop("review")
        references = values.pop("references")
        # One line per paragraph, as the editor writes it.
        values["body"] = sanitize_html(re.sub(r"\n(?!<)", " ", values["body"].strip()))
        values["cover_image"] = cover_image(original.slug if original else slug, art)
        article, _, _ = sync(
            Article,
            {"slug": slug},
            values,
            on_create={"published_at": timezone.now() - timedelta(days=days_ago)},
        )
        if set(article.conditions.all()) != set(tagged):
            article.conditions.set(tagged)
        # The first condition listed is what the article is mainly about (sciatica, not back pain).
        primary = tagged[0] if tagged else None
        if article.primary_condition_id != (primary.pk if primary else None):
            Article.objects.filter(pk=article.pk).update(primary_condition=primary)
            article.primary_condition = primary
        seed_review(article, review, clinicians)
        seed_references(article, references)
        articles[slug] = article
    return list(articles.values())
