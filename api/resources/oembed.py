"""oEmbed 1.0: how a CMS that is given an article page's URL embeds it."""

from flask.views import MethodView

from article_data_api.blueprint import Blueprint
from article_data_api.encoding import encode
from article_data_api.page_responses import oembed
from article_data_api.responses import json_response
from article_data_api.schemas.queries import OEmbedQuerySchema
from article_data_api.schemas.resources import OEmbedSchema

blp = Blueprint("oembed", __name__, url_prefix="/oembed", description="Embedding, by oEmbed")


@blp.route("")
class OEmbed(MethodView):
    @blp.query(OEmbedQuerySchema)
    @blp.read(OEmbedSchema, operation_id="getOEmbed", not_found=True, absolute=True)
    @blp.alt_response(501, response="NOT_IMPLEMENTED")
    def get(self, args):
        """Embed an article or its timeline

        Given the URL of an article page (/articles/{id}) or of an embed, answers the
        oEmbed 1.0 rich type: an iframe of /embed/articles/{id} (or of its timeline).
        Article pages announce this endpoint with a discovery link.
        """
        return json_response(encode(oembed(args)))
